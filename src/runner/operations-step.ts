/**
 * Typed operations inside a TypeScript migration: `db.addColumn(...)` is recorded, the definition
 * it destroys is captured from the live database, it is compiled by the dialect and its statements
 * go through the same runner as `db.sql` (so transactions, retries, resume and dry-run apply).
 */
import type { Connection, Dialect, ServerVersion } from '../dialects/dialect.js';
import { MigrationFileError } from '../errors.js';
import type { BackfillPacing, MigrationFn } from '../migrations/types.js';
import { PACING_OPTIONS } from '../online/backfill/types.js';
import type { Operation } from '../operations/types.js';
import { callerLine, type RunnerMigrationDb } from './migration-db.js';

/** What a run of a TypeScript step leaves for the automatic down. */
export interface OperationsRecord {
  operations: readonly Operation[];
  /** `captured[i]`: the live definition before `operations[i]` ran (undefined: not needed). */
  captured: unknown[];
}

/** Stored in the history row's `down_info`. */
export interface DownInfo {
  operations: Operation[];
  captured: unknown[];
}

export interface OperationsEnv {
  dialect: Dialect;
  /** True when the step runs inside a transaction (a batched backfill cannot). */
  inTransaction?: boolean;
  /** Reports backfill progress. */
  onProgress?: (progress: unknown) => void;
  /** The live session (for captures); null in a dry run. */
  conn: Connection | null;
  /** The target's version. */
  server: ServerVersion;
}

/**
 * Runs a step function with the typed operations mixed into `db`.
 *
 * @example
 * const rec = await runWithOperations(env, file, db, definition.up);
 */
export async function runWithOperations(
  env: OperationsEnv,
  file: string,
  base: RunnerMigrationDb,
  fn: MigrationFn | ((db: RunnerMigrationDb) => Promise<void>),
): Promise<OperationsRecord> {
  const support = await env.dialect.operations();
  let state = support.initial(env.server);
  const captured: unknown[] = [];
  // Lines of the calls, in call order: the executor runs them in the same order.
  const lines: (number | undefined)[] = [];
  const execute = async (op: Operation): Promise<unknown> => {
    const line = lines.shift();
    captured.push(
      support.needsCapture(op) ? (env.conn ? await support.capture(env.conn, op) : null) : undefined,
    );
    const compiled = support.compile(op, state);
    state = compiled.state;
    let rows: unknown[] = [];
    for (const meta of compiled.statements) {
      rows = (await base.send(meta.sql, meta.values ?? [], { line, meta })).rows;
    }
    return rows;
  };
  // Default index and constraint names are cut to what the dialect keeps of a name.
  const recorder = support.recorder(env.dialect.maxIdentifierLength, execute);
  const methods: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(recorder.db)) {
    methods[name] = (...args: unknown[]) => {
      lines.push(callerLine(file));
      return (method as (...a: unknown[]) => unknown)(...args);
    };
  }
  methods.backfill = (table: string, spec: BackfillArgs, pacing?: BackfillPacing) => {
    lines.push(callerLine(file));
    return enqueueBackfill(table, spec, pacing);
  };
  const enqueueBackfill = async (table: string, spec: BackfillArgs, pacing?: BackfillPacing) => {
    const line = lines.shift();
    const options = pickPacing(pacing, `${file}${line ? `:${line}` : ''}`);
    if (!env.conn) {
      // Dry run: show what would be batched.
      const set = Object.entries(spec.set)
        .map(([c, e]) => `${c} = ${e}`)
        .join(', ');
      await base.send(
        `-- backfill ${table} in batches: SET ${set}${spec.where ? ` WHERE ${spec.where}` : ''}`,
        [],
        { line },
      );
      return;
    }
    if (env.inTransaction) {
      throw new MigrationFileError(
        `${file}${line ? `:${line}` : ''}: db.backfill() runs in batches, each in its own transaction, so the migration needs \`transaction: false\`.`,
        {
          details: { file, line, hint: 'Add `transaction: false` to defineMigration({...}).' },
        },
      );
    }
    const { runBackfill } = await import('../online/backfill/index.js');
    const [schema, name] = table.includes('.')
      ? (table.split('.', 2) as [string, string])
      : ['public', table];
    await runBackfill(
      env.conn,
      { id: `${file}:${table}`, mode: 'update', table: { schema, name }, set: spec.set, where: spec.where },
      { ...options, onProgress: env.onProgress },
    );
  };
  // Typed operations override `db.sql` too: a raw statement is an operation (irreversible unless
  // it is given a `down`), so the automatic down never silently skips it.
  const db = Object.assign(Object.create(null), base, methods) as RunnerMigrationDb;
  await fn(db);
  await (recorder as { settled?: () => Promise<void> }).settled?.();
  return { operations: [...recorder.operations], captured };
}

type BackfillArgs = { set: Record<string, string>; where?: string };

/**
 * The pacing options of a `db.backfill()` call, checked: each a number ≥ 0, no unknown key (a typo
 * must not silently run with the defaults).
 *
 * @example
 * pickPacing({ pauseMs: 20 }, 'migrations/3_copy.ts:4') // { pauseMs: 20 }
 */
export function pickPacing(pacing: unknown, where: string): BackfillPacing {
  if (pacing === undefined) return {};
  const fail = (what: string) =>
    new MigrationFileError(`${where}: db.backfill() pacing ${what}.`, {
      details: { hint: `Known options: ${PACING_OPTIONS.join(', ')}; each a number >= 0.` },
    });
  if (typeof pacing !== 'object' || pacing === null || Array.isArray(pacing)) throw fail('must be an object');
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(pacing)) {
    if (!(PACING_OPTIONS as readonly string[]).includes(key)) throw fail(`has an unknown option ${key}`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw fail(`${key} must be a number >= 0, not ${JSON.stringify(value)}`);
    }
    out[key] = value;
  }
  return out as BackfillPacing;
}

/**
 * The step that replays operations (an automatic down).
 *
 * @example
 * await runOperations(env, db, derived.operations);
 */
export async function runOperations(
  env: OperationsEnv,
  base: RunnerMigrationDb,
  operations: readonly Operation[],
): Promise<void> {
  const support = await env.dialect.operations();
  let state = support.initial(env.server);
  for (const op of operations) {
    const compiled = support.compile(op, state);
    state = compiled.state;
    for (const meta of compiled.statements) await base.send(meta.sql, meta.values ?? [], { meta });
  }
}
