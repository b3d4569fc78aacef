/**
 * What both ways of running a migration step share: the context, the events, and running one
 * step's statements through a `run` callback (a transaction in `transactional.ts`, statement by
 * statement in `non-transactional.ts`).
 */
import type {
  Connection,
  Dialect,
  QueryResult,
  ServerVersion,
  SessionSettings,
} from '../dialects/dialect.js';
import { errorMessage, MigrationFailedError, SluiceError } from '../errors.js';
import type { MigrationFile, MigrationStep } from '../migrations/types.js';
import type { RetryNotice, RetryPolicy } from '../retry.js';
import { render, type SqlFragment } from '../sql/tag.js';
import type { HistoryStore } from './history.js';
import { createMigrationDb, stackLine } from './migration-db.js';
import { type OperationsRecord, runOperations, runWithOperations } from './operations-step.js';
import type { StatementOrigin, StatementSink } from './sink.js';

export type Direction = 'up' | 'down';

/** Events the runner reports while it works (the CLI prints them; the library passes them on). */
export type RunnerEvent =
  | { type: 'lock-wait'; holder: string | null }
  | { type: 'migration-start'; direction: Direction; version: string; name: string; file: string }
  | { type: 'migration-done'; direction: Direction; version: string; name: string; durationMs: number }
  | { type: 'retry'; version: string; attempt: number; delayMs: number; message: string }
  | { type: 'resume'; version: string; skipped: number; total: number }
  | { type: 'note'; message: string }
  /** A migration's statement ran (live runs only): where it is written and how long it took. */
  | { type: 'statement'; file: string; line?: number; sql: string; durationMs: number }
  /** Backfill progress of an online migration or a data migration (rows, rows/s, ETA). */
  | { type: 'progress'; message: string; progress: unknown };

export interface ExecContext {
  dialect: Dialect;
  sink: StatementSink;
  history: HistoryStore;
  settings: SessionSettings;
  /** How lock timeouts are retried. */
  retry: RetryPolicy;
  onEvent: (event: RunnerEvent) => void;
  /** The live session (captures of dropped objects read the catalog on it); null in a dry run. */
  conn: Connection | null;
  /** The target's version, for the operations compiler. */
  server: ServerVersion;
}

/** Sends a fragment rendered with the dialect's quoting. */
export async function send(ctx: ExecContext, fragment: SqlFragment): Promise<void> {
  const { text, values } = render(fragment, ctx.dialect.quoting);
  await ctx.sink.exec(text, values);
}

/** Reports a lock-timeout retry as a runner event. */
export function retryEvent(ctx: ExecContext, version: string) {
  return (notice: RetryNotice) =>
    ctx.onEvent({
      type: 'retry',
      version,
      attempt: notice.attempt,
      delayMs: notice.delayMs,
      message: errorMessage(notice.error),
    });
}

/**
 * Runs every statement of a step through `run`. A TypeScript step gets typed operations on its
 * `db`; what they did is returned for the automatic down.
 */
export async function runStep(
  ctx: Pick<ExecContext, 'dialect' | 'conn' | 'server'> & {
    dryRun: boolean;
    onProgress?: (p: unknown) => void;
  },
  file: MigrationFile,
  step: MigrationStep,
  direction: Direction,
  run: <R>(text: string, values: readonly unknown[], origin: StatementOrigin) => Promise<QueryResult<R>>,
): Promise<OperationsRecord | null> {
  if (step.kind === 'sql') {
    for (const [index, statement] of step.statements.entries()) {
      await run(statement.sql, [], {
        file: file.path,
        line: statement.line,
        column: statement.column,
        index,
      });
    }
    return null;
  }
  const db = createMigrationDb(ctx.dialect, file.path, ctx.dryRun, run);
  const env = {
    dialect: ctx.dialect,
    conn: ctx.conn,
    server: ctx.server,
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

/** What {@link runStep} needs from the runner's context. */
export function stepEnv(ctx: ExecContext) {
  const onProgress = (progress: unknown) => ctx.onEvent({ type: 'progress', message: 'backfill', progress });
  return {
    dialect: ctx.dialect,
    conn: ctx.conn,
    server: ctx.server,
    dryRun: ctx.sink.dryRun,
    onProgress,
  };
}

/** How errors name a migration run. */
export function label(file: MigrationFile, direction: Direction): string {
  return `Migration ${file.version}_${file.name} (${direction})`;
}
