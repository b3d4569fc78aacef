/**
 * What every part of a run shares: the resolved config, the target's dialect, the history store
 * and the event sink, and the contexts built from them for the executors and the online engine.
 */
import type { ResolvedConfig } from '../config/load.js';
import type { Connection, Dialect, ServerVersion } from '../dialects/dialect.js';
import { listMigrations } from '../migrations/source.js';
import type { MigrationFile } from '../migrations/types.js';
import { DEFAULT_RETRY_POLICY } from '../retry.js';
import type { ExecContext, RunnerEvent } from './execute.js';
import type { HistoryStore } from './history.js';
import type { OnlineEnv } from './online-runner.js';
import type { TargetSessions } from './sessions.js';
import type { StatementSink } from './sink.js';

/** The migrator's shared parts, as the run's pieces see them. */
export interface RunnerSetup {
  readonly config: ResolvedConfig;
  /** The target's dialect (from the target, or from a driver given to `createMigrator`). */
  readonly dialect: Dialect;
  readonly history: HistoryStore;
  readonly sessions: TargetSessions;
  readonly onEvent: (event: RunnerEvent) => void;
  /** First delay between lock-timeout retries (ms); it doubles per retry. */
  readonly retryBaseMs: number;
  /** Report each migration statement as it runs (see `MigratorOptions.statementEvents`). */
  readonly statementEvents: boolean;
}

/** What a run works against: the live session (null in a dry run) and the server version. */
export interface RunEnv {
  sink: StatementSink;
  conn: Connection | null;
  server: ServerVersion;
}

/**
 * The executors' context for a run.
 *
 * @example
 * await runUnits(units, 'up', { ctx: execContext(setup, env), … });
 */
export function execContext(setup: RunnerSetup, env: RunEnv): ExecContext {
  const { config } = setup;
  return {
    dialect: setup.dialect,
    sink: env.sink,
    history: setup.history,
    settings: { lockTimeoutMs: config.lockTimeoutMs, statementTimeoutMs: config.statementTimeoutMs },
    retry: {
      ...DEFAULT_RETRY_POLICY,
      retries: config.lockRetries,
      budgetMs: config.lockRetryBudgetMs,
      baseMs: setup.retryBaseMs,
    },
    onEvent: setup.onEvent,
    conn: env.conn,
    server: env.server,
  };
}

/**
 * What the online engine gets for a migration run on `conn`.
 *
 * @example
 * await completeActive(onlineEnv(setup, conn), status);
 */
export function onlineEnv(setup: RunnerSetup, conn: Connection): OnlineEnv {
  const { config } = setup;
  return {
    conn,
    dialect: setup.dialect,
    history: setup.history,
    lockTimeoutMs: config.lockTimeoutMs,
    lockRetries: config.lockRetries,
    lockRetryBudgetMs: config.lockRetryBudgetMs,
    onEvent: setup.onEvent,
  };
}

/**
 * The target's version (the operations compiler and the linter depend on it). When the server
 * does not say, the configured `lint.pgVersion` (else 15) stands in.
 *
 * @example
 * const server = await targetVersion(setup, conn); // { major: 15, minor: 4 }
 */
export async function targetVersion(setup: RunnerSetup, conn: Connection): Promise<ServerVersion> {
  return (await setup.dialect.serverVersion(conn)) ?? { major: setup.config.lint.pgVersion ?? 15, minor: 0 };
}

/** The major version the linter judges SQL for: the configured `lint.pgVersion`, else the server's. */
export function lintVersion(setup: RunnerSetup, server: ServerVersion): number {
  return setup.config.lint.pgVersion ?? server.major;
}

/** Migration files on disk, sorted by version. */
export function migrationFiles(setup: RunnerSetup): MigrationFile[] {
  return listMigrations(setup.config.migrationsDir, setup.config.layout);
}

/** sluice's own history table, never taken for another tool's. */
export function ownTable(setup: RunnerSetup): { schema: string; table: string } {
  return { schema: setup.config.historySchema, table: setup.config.historyTable };
}
