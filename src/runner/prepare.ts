/**
 * Before anything runs: derive automatic downs from history, record what TypeScript steps will
 * send (for the transaction decision, `plan` and `lint`), and refuse what cannot be done.
 */
import type { Dialect, OperationStatement, ServerVersion } from '../dialects/dialect.js';
import { RefusedError } from '../errors.js';
import type { LoadedMigration, MigrationFile, MigrationStep } from '../migrations/types.js';
import type { Direction, RunnerEvent } from './execute.js';
import { runStep } from './execute.js';
import { refuseOnlineUnsupported, validateOnline } from './online-runner.js';
import type { DownInfo } from './operations-step.js';
import type { StatusEntry } from './plan.js';

/** A migration ready to run in one direction. */
export interface Unit {
  entry: StatusEntry;
  file: MigrationFile;
  loaded: LoadedMigration;
  /** The step that will run (`loaded.up`, `loaded.down`, or a derived down). */
  step: MigrationStep;
  /** What the step will send, in order (SQL files: their statements; TypeScript: a recording). */
  statements: RecordedStatement[] | null;
}

/** One statement a step sends, as recorded without running it. */
export interface RecordedStatement {
  sql: string;
  values: readonly unknown[];
  line: number;
  column: number;
  leadingComments: string[];
  /** From the operations compiler, for typed operations. */
  meta?: OperationStatement;
  /** True for statements a typed operation compiled to (see `LintStatementInput.generated`). */
  generated?: boolean;
}

export interface PrepareEnv {
  dialect: Dialect;
  server: ServerVersion;
  onEvent: (event: RunnerEvent) => void;
}

/**
 * Records the statements a step would send, without a database: TypeScript steps run against a
 * recording `db` (reads return no rows). Null when the step's code cannot run that way (it needs
 * the rows of a read): then nothing is known in advance.
 *
 * @example
 * const statements = await recordStep(env, file, loaded.up);
 */
export async function recordStep(
  env: PrepareEnv,
  file: MigrationFile,
  step: MigrationStep,
): Promise<RecordedStatement[] | null> {
  if (step.kind === 'sql') {
    return step.statements.map((statement) => ({
      sql: statement.sql,
      values: [],
      line: statement.line,
      column: statement.column,
      leadingComments: statement.leadingComments,
    }));
  }
  const out: RecordedStatement[] = [];
  try {
    await runStep(
      { dialect: env.dialect, conn: null, server: env.server, dryRun: true },
      file,
      step,
      'up',
      async (sql, values, origin) => {
        const generated = origin.meta !== undefined && origin.meta.written !== true;
        out.push({
          sql,
          values,
          line: origin.line ?? 1,
          column: 1,
          leadingComments: [],
          meta: origin.meta,
          generated,
        });
        return { rows: [], rowCount: 0 };
      },
    );
  } catch {
    return null;
  }
  return out;
}

/** What history kept for an automatic down (typed operations and captures), if anything. */
function storedDownInfo(entry: StatusEntry): DownInfo | null {
  const info = entry.row?.downInfo as DownInfo | null | undefined;
  return info && Array.isArray(info.operations) && info.operations.length > 0 ? info : null;
}

/**
 * Turns loaded migrations into units for a direction: picks the step, derives automatic downs,
 * and moves a step out of its transaction when its compiled SQL must run outside one.
 */
export async function prepareUnits(
  env: PrepareEnv,
  loaded: { entry: StatusEntry; file: MigrationFile; loaded: LoadedMigration }[],
  direction: Direction,
): Promise<Unit[]> {
  const units: Unit[] = [];
  const irreversible: { file: MigrationFile; reason: string }[] = [];
  for (const migration of loaded) {
    if (migration.loaded.definition?.online) {
      // Validated now, so an operation that cannot run online (or a dialect without the online
      // engine) is refused before anything runs.
      refuseOnlineUnsupported(env.dialect, migration.file.path);
      if (direction === 'up') await validateOnline(migration.loaded.definition, migration.file);
      units.push({ ...migration, step: migration.loaded.up, statements: [] });
      continue;
    }
    let step = direction === 'up' ? migration.loaded.up : migration.loaded.down;
    if (step === null) {
      const info = storedDownInfo(migration.entry);
      if (!info) {
        irreversible.push({ file: migration.file, reason: 'has no down step' });
        continue;
      }
      const support = await env.dialect.operations();
      const down = support.deriveDown(info.operations, info.captured ?? []);
      if (!down.ok) {
        irreversible.push({ file: migration.file, reason: `has no down step, and ${down.reason}` });
        continue;
      }
      for (const note of down.notes)
        env.onEvent({ type: 'note', message: `${migration.file.path}: ${note}` });
      step = {
        kind: 'ops',
        operations: down.operations,
        transaction: migration.loaded.up.transaction,
        notes: down.notes,
      };
    }
    const statements = await recordStep(env, migration.file, step);
    const ignores = Object.entries(migration.loaded.definition?.ignore ?? {});
    if (statements?.[0] && ignores.length > 0) {
      statements[0].leadingComments.unshift(
        ...ignores.map(([rule, reason]) => `-- sluice-ignore-file ${rule}: ${reason}`),
      );
    }
    const outside = statements?.find((statement) => statement.meta && !statement.meta.transactional);
    if (step.kind !== 'sql' && step.transaction && outside) {
      // e.g. an index on an existing table is built CONCURRENTLY, which no transaction may hold.
      env.onEvent({
        type: 'note',
        message: `${migration.file.path} runs outside a transaction, statement by statement: ${outside.meta?.note ?? outside.sql.split('\n')[0]}`,
      });
      step = { ...step, transaction: false };
    }
    units.push({ ...migration, step, statements });
  }
  if (irreversible.length > 0) {
    throw new RefusedError(
      'irreversible',
      `Cannot roll back: ${irreversible.map((i) => `${i.file.path} ${i.reason}`).join('; ')}. Nothing was reverted.`,
      {
        file: irreversible[0]!.file.path,
        hint: 'Add a `-- migrate:down` section (SQL) or a `down` function (TypeScript), or roll back to a later version.',
      },
    );
  }
  return units;
}
