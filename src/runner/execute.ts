/**
 * Runs migration steps: inside a transaction with their history row (the default), or statement by
 * statement with progress recorded (transaction:false), retrying when a lock cannot be had.
 */
import type { Connection, Dialect, QueryResult, SessionSettings } from '../dialects/dialect.js';
import { errorMessage, MigrationFailedError, RefusedError, SluiceError } from '../errors.js';
import { statementHash } from '../migrations/checksum.js';
import type { MigrationFile, MigrationStep } from '../migrations/types.js';
import { render, type SqlFragment } from '../sql/tag.js';
import type { HistoryStore, HistoryWrite } from './history.js';
import { createMigrationDb, stackLine } from './migration-db.js';
import { type OperationsRecord, runOperations, runWithOperations } from './operations-step.js';
import type { HistoryRow } from './plan.js';
import { migrationError, type StatementOrigin, type StatementSink } from './sink.js';

export type Direction = 'up' | 'down';

/** Events the runner reports while it works (the CLI prints them; the library passes them on). */
export type RunnerEvent =
  | { type: 'lock-wait'; holder: string | null }
  | { type: 'migration-start'; direction: Direction; version: string; name: string; file: string }
  | { type: 'migration-done'; direction: Direction; version: string; name: string; durationMs: number }
  | { type: 'retry'; version: string; attempt: number; delayMs: number; message: string }
  | { type: 'resume'; version: string; skipped: number; total: number }
  | { type: 'note'; message: string }
  /** Backfill progress of an online migration or a data migration (rows, rows/s, ETA). */
  | { type: 'progress'; message: string; progress: unknown };

export interface ExecContext {
  dialect: Dialect;
  sink: StatementSink;
  history: HistoryStore;
  settings: SessionSettings;
  lockRetries: number;
  onEvent: (event: RunnerEvent) => void;
  /** Backoff base in ms (tests lower it). */
  retryBaseMs?: number;
  /** The live session (captures of dropped objects read the catalog on it); null in a dry run. */
  conn: Connection | null;
  /** The target's `server_version_num`, for the operations compiler. */
  serverVersion: number;
}

/** What to write to history when a step finishes. */
export type HistoryAction = { kind: 'upsert'; row: HistoryWrite } | { kind: 'remove'; version: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with jitter, so retrying runners do not stampede a busy table. */
export function backoffDelay(attempt: number, baseMs: number): number {
  const ceiling = Math.min(30_000, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

async function send(ctx: ExecContext, fragment: SqlFragment): Promise<void> {
  const { text, values } = render(fragment, ctx.dialect.quoting);
  await ctx.sink.exec(text, values);
}

function historyStatement(ctx: ExecContext, action: HistoryAction): SqlFragment {
  return action.kind === 'upsert' ? ctx.history.upsert(action.row) : ctx.history.remove(action.version);
}

/**
 * Runs every statement of a step through `run`. A TypeScript step gets typed operations on its
 * `db`; what they did is returned for the automatic down.
 */
export async function runStep(
  ctx: Pick<ExecContext, 'dialect' | 'conn' | 'serverVersion'> & {
    dryRun: boolean;
    onProgress?: (p: unknown) => void;
  },
  file: MigrationFile,
  step: MigrationStep,
  direction: Direction,
  run: <R>(text: string, values: readonly unknown[], origin: StatementOrigin) => Promise<QueryResult<R>>,
): Promise<OperationsRecord | null> {
  if (step.kind === 'sql') {
    for (const [index, s] of step.statements.entries()) {
      await run(s.sql, [], { file: file.path, line: s.line, column: s.column, index });
    }
    return null;
  }
  const db = createMigrationDb(ctx.dialect, file.path, ctx.dryRun, run);
  const env = {
    dialect: ctx.dialect,
    conn: ctx.conn,
    serverVersion: ctx.serverVersion,
    inTransaction: step.transaction,
    onProgress: ctx.onProgress,
  };
  try {
    if (step.kind === 'ops') {
      await runOperations(env, db, step.operations);
      return null;
    }
    return await runWithOperations(env, file.path, db, step.fn);
  } catch (error) {
    if (error instanceof SluiceError) throw error;
    // The migration's own code threw (not a statement): still name the file and, if the stack has
    // it, the line, instead of surfacing as an internal error.
    const line = error instanceof Error ? stackLine(error.stack ?? '', file.path) : undefined;
    throw new MigrationFailedError(
      `${label(file, direction)} failed at ${file.path}${line !== undefined ? `:${line}` : ''}: ${errorMessage(error)}`,
      { cause: error, details: { file: file.path, line, hint: 'Fix the error in the migration file.' } },
    );
  }
}

function stepEnv(ctx: ExecContext) {
  const onProgress = (progress: unknown) => ctx.onEvent({ type: 'progress', message: 'backfill', progress });
  return {
    dialect: ctx.dialect,
    conn: ctx.conn,
    serverVersion: ctx.serverVersion,
    dryRun: ctx.sink.dryRun,
    onProgress,
  };
}

function label(file: MigrationFile, direction: Direction): string {
  return `Migration ${file.version}_${file.name} (${direction})`;
}

/**
 * Runs one step and its history write in a single transaction. A lock timeout rolls back and
 * retries the whole step with backoff; any other failure rolls back and leaves history untouched.
 */
export async function runTransactional(
  ctx: ExecContext,
  units: {
    file: MigrationFile;
    step: MigrationStep;
    direction: Direction;
    history: (record: OperationsRecord | null) => HistoryAction;
  }[],
  options: { durable: boolean } = { durable: true },
): Promise<void> {
  const opening = ['BEGIN', ...ctx.dialect.sessionSettings(ctx.settings, { local: true })];
  // Only the last migration of a run waits for its commit to reach disk: WAL is flushed in order,
  // so that flush covers every earlier commit of the run, and sluice never reports success before
  // all of it is durable. A crash before then loses a migration together with its history row.
  if (!options.durable) opening.push(...ctx.dialect.deferredCommit());
  const records = new Map<unknown, OperationsRecord | null>();
  const closing = () => {
    const last = units[units.length - 1]!;
    return [ctx.history.inline(historyStatement(ctx, last.history(records.get(last) ?? null))), 'COMMIT'];
  };
  // SQL migrations go to the server in one round trip. If that fails for any reason other than a
  // lock timeout, the transaction is rolled back and replayed statement by statement, so the
  // error still names the exact statement and line.
  let fast = !ctx.sink.dryRun && units.every((u) => u.step.kind === 'sql');
  for (let attempt = 0; ; attempt++) {
    try {
      if (fast) {
        const body = units.flatMap((u) => [
          ...(u.step.kind === 'sql' ? u.step.statements.map((s) => s.sql) : []),
          ...(u === units[units.length - 1]
            ? []
            : [ctx.history.inline(historyStatement(ctx, u.history(null)))]),
        ]);
        await ctx.sink.batch([...opening, ...body, ...closing()]);
        return;
      }
      await ctx.sink.batch(opening);
      for (const unit of units) {
        const run = async <R>(text: string, values: readonly unknown[], origin: StatementOrigin) => {
          try {
            return await ctx.sink.exec<R>(text, values, origin);
          } catch (error) {
            const wrapped = migrationError(
              ctx.dialect,
              error,
              text,
              origin,
              label(unit.file, unit.direction),
            );
            throw Object.assign(wrapped, { retryable: ctx.dialect.errorInfo(error).lockTimeout });
          }
        };
        const record = await runStep(stepEnv(ctx), unit.file, unit.step, unit.direction, run);
        records.set(unit, record);
        if (unit !== units[units.length - 1]) await send(ctx, historyStatement(ctx, unit.history(record)));
      }
      await ctx.sink.batch(closing());
      return;
    } catch (error) {
      await ctx.sink.exec('ROLLBACK').catch(() => {});
      const retryable =
        (error as { retryable?: boolean }).retryable === true ||
        (fast && ctx.dialect.errorInfo(error).lockTimeout);
      if (fast && (!retryable || attempt >= ctx.lockRetries)) {
        fast = false;
        attempt--;
        continue;
      }
      if (!retryable || attempt >= ctx.lockRetries) throw error;
      const delayMs = backoffDelay(attempt, ctx.retryBaseMs ?? 500);
      const message = error instanceof Error ? error.message : String(error);
      ctx.onEvent({ type: 'retry', version: units[0]!.file.version, attempt: attempt + 1, delayMs, message });
      await sleep(delayMs);
    }
  }
}

/**
 * Runs a step outside a transaction, one statement at a time. After each statement its hash is
 * recorded, so a re-run after a failure skips exactly the finished statements (and refuses if one
 * of them was edited since), then continues with the statement that failed.
 */
export async function runNonTransactional(
  ctx: ExecContext,
  unit: {
    file: MigrationFile;
    step: MigrationStep;
    direction: Direction;
    previous?: HistoryRow;
    history: (record: OperationsRecord | null) => HistoryAction;
  },
): Promise<void> {
  const { file, step, direction } = unit;
  const resumable = direction === 'up';
  const done: string[] = resumable && unit.previous?.status === 'partial' ? [...unit.previous.progress] : [];
  const failedBefore = resumable && unit.previous?.status === 'partial' ? unit.previous.failure : null;
  const total = step.kind === 'sql' ? step.statements.length : 0;
  const base: HistoryWrite = {
    version: file.version,
    name: file.name,
    kind: file.kind,
    checksum: file.checksum,
    status: 'partial',
    durationMs: 0,
  };
  const record = (failure: HistoryWrite['failure']) =>
    send(
      ctx,
      ctx.history.upsert({
        ...base,
        statementsDone: done.length,
        statementsTotal: total,
        progress: done,
        failure,
      }),
    );

  for (const s of ctx.dialect.sessionSettings(ctx.settings, { local: false })) await ctx.sink.exec(s);
  if (resumable) await record(null);
  if (done.length > 0) ctx.onEvent({ type: 'resume', version: file.version, skipped: done.length, total });

  const run = async <R>(
    text: string,
    values: readonly unknown[],
    origin: StatementOrigin,
  ): Promise<QueryResult<R>> => {
    const index = origin.index ?? 0;
    const hash = statementHash(`${text}\u0000${JSON.stringify(values)}`);
    if (index < done.length) {
      if (done[index] === hash) return { rows: [], rowCount: 0 };
      throw new RefusedError(
        'resume-changed',
        `${file.path}: statement ${index + 1}${origin.line ? ` (line ${origin.line})` : ''} already ran, but it was edited since.`,
        {
          file: file.path,
          line: origin.line,
          hint: 'Restore the finished statements as they were (only the failed statement and later ones may change), or revert by hand and `sluice accept` the migration.',
        },
      );
    }
    for (let attempt = 0; ; attempt++) {
      // A concurrent index build that failed leaves an invalid index of the same name: drop it
      // before trying again (not when the failure was that the name was already taken).
      const retryingFailure = attempt > 0 || (failedBefore?.index === index && failedBefore.code !== '42P07');
      if (retryingFailure) for (const cleanup of origin.meta?.cleanup ?? []) await ctx.sink.exec(cleanup);
      try {
        const result = await ctx.sink.exec<R>(text, values, origin);
        if (resumable) {
          done.push(hash);
          await record(null);
        }
        return result;
      } catch (error) {
        const info = ctx.dialect.errorInfo(error);
        if (info.lockTimeout && attempt < ctx.lockRetries) {
          const delayMs = backoffDelay(attempt, ctx.retryBaseMs ?? 500);
          ctx.onEvent({
            type: 'retry',
            version: file.version,
            attempt: attempt + 1,
            delayMs,
            message: info.message,
          });
          await sleep(delayMs);
          continue;
        }
        const failure = migrationError(ctx.dialect, error, text, origin, label(file, direction));
        if (resumable) {
          await record({
            index,
            line: failure.details.line,
            statement: text.trim().slice(0, 500),
            message: info.message,
            code: info.code,
          }).catch(() => {});
        }
        throw failure;
      }
    }
  };
  const opsRecord = await runStep(stepEnv(ctx), file, step, direction, run);
  await send(ctx, historyStatement(ctx, unit.history(opsRecord)));
}
