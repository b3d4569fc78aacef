/**
 * The library's main object: every CLI command is a method here.
 */

import type { SluiceConfig } from '../config/define.js';
import { type ConfigOverrides, loadConfig, type ResolvedConfig } from '../config/load.js';
import type { Connection, Dialect, Driver } from '../dialects/dialect.js';
import { createDriver, dialectForTarget } from '../dialects/index.js';
import { UsageError } from '../errors.js';
import type { Finding } from '../lint/types.js';
import { compareVersions } from '../migrations/source.js';
import type { MigrationFile } from '../migrations/types.js';
import type { BackfillResult, BackfillStatus } from '../online/backfill/index.js';
import type { PreviewStatement } from '../online/index.js';
import { DEFAULT_RETRY_POLICY } from '../retry.js';
import { applyDryRun, applyLive, loadUnits, statusFor } from './apply.js';
import type { Direction, RunnerEvent } from './execute.js';
import { detectForeignHistories, FOREIGN_TOOLS, foreignTable, isForeignTool } from './foreign-history.js';
import { HistoryStore } from './history.js';
import {
  type AcceptResult,
  acceptChange,
  type ImportResult,
  importForeign,
  markApplied,
} from './history-admin.js';
import { lintAgainstLive, previewOnlineUnits } from './inspect-live.js';
import { abortActive, completeActive, refuseOnlineUnsupported } from './online-runner.js';
import {
  computeStatus,
  type HistoryRow,
  parseDownTarget,
  parseUpTarget,
  planDown,
  planUp,
  type Status,
  type StatusEntry,
} from './plan.js';
import { type PlannedMigration, planReport } from './plan-report.js';
import { runsInTransaction } from './run-units.js';
import { TargetSessions } from './sessions.js';
import { migrationFiles, onlineEnv, ownTable, type RunnerSetup, targetVersion } from './setup.js';
import { classifyMigrations, type MigrationClasses } from './status-classes.js';

export interface MigratorOptions {
  cwd?: string;
  overrides?: ConfigOverrides;
  /** A config object instead of a config file. */
  config?: SluiceConfig;
  onEvent?: (event: RunnerEvent) => void;
  /**
   * Report each migration statement as it runs, with its duration (a `statement` event). SQL
   * migrations then go to the server a statement at a time rather than in one round trip.
   */
  statementEvents?: boolean;
  /**
   * A driver to use instead of one opened for the configured target; its dialect is the run's.
   * `close()` closes it.
   */
  driver?: Driver;
}

export interface RunOptions {
  dryRun?: boolean;
  /** Apply even when the linter finds unacknowledged error-level problems. */
  allowUnsafe?: boolean;
  /** Apply pending migrations older than the newest applied one. */
  allowOutOfOrder?: boolean;
}

/** What `up` or `down` did (or, in a dry run, would do). */
export interface RunResult {
  direction: Direction;
  migrations: { version: string; name: string; durationMs: number }[];
  /** The SQL script, for `--dry-run`. */
  script?: string;
  /** What the linter found in a dry run (a live run refuses on errors instead). */
  findings?: Finding[];
  /** A dry run's online migration: what start, complete and abort would send (also in `script`). */
  online?: { version: string; name: string; schema: string | null; statements: PreviewStatement[] }[];
}

/**
 * Creates a migrator from the config file, env and overrides.
 *
 * @example
 * const migrator = await createMigrator({ overrides: { url: 'pglite:memory', dir: 'migrations' } });
 * try { await migrator.up(); console.log((await migrator.status()).current); } finally { await migrator.close(); }
 */
export async function createMigrator(options: MigratorOptions = {}): Promise<Migrator> {
  const config = await loadConfig({ cwd: options.cwd, overrides: options.overrides, config: options.config });
  const migrator = new Migrator(config, options.onEvent, options.driver);
  migrator.statementEvents = options.statementEvents ?? false;
  return migrator;
}

/**
 * The library's entry point: every CLI command is a method here. Each method is a few lines over
 * the run's parts (`apply.ts`, `inspect-live.ts`, `history-admin.ts`, `online-runner.ts`).
 */
export class Migrator {
  /** The target's dialect: known from the target without loading a driver (or the given driver's). */
  readonly dialect: Dialect;
  private readonly history: HistoryStore;
  private readonly sessions: TargetSessions;
  /** First delay between lock-timeout retries (ms); it doubles per retry. Tests lower it. */
  retryBaseMs = DEFAULT_RETRY_POLICY.baseMs;
  /** See {@link MigratorOptions.statementEvents}. */
  statementEvents = false;

  constructor(
    readonly config: ResolvedConfig,
    private readonly onEvent: (event: RunnerEvent) => void = () => {},
    driver?: Driver,
  ) {
    this.dialect = driver?.dialect ?? dialectForTarget(config.target);
    this.history = new HistoryStore(this.dialect, config.historyTable, config.historySchema);
    this.sessions = new TargetSessions(
      driver ? async () => driver : () => createDriver(config.target),
      { key: `${config.historySchema}.${config.historyTable}`, waitMs: config.lockWaitMs },
      this.history,
      onEvent,
    );
  }

  /** What the run's parts share, as they are now (`retryBaseMs` and `statementEvents` may change). */
  private get setup(): RunnerSetup {
    return {
      config: this.config,
      dialect: this.dialect,
      history: this.history,
      sessions: this.sessions,
      onEvent: this.onEvent,
      retryBaseMs: this.retryBaseMs,
      statementEvents: this.statementEvents,
    };
  }

  /** The driver, created on first use. */
  driver(): Promise<Driver> {
    return this.sessions.driver();
  }

  /** Migration files on disk, sorted by version. */
  files(): MigrationFile[] {
    return migrationFiles(this.setup);
  }

  /** History rows, oldest first. */
  async historyRows(conn?: Connection): Promise<HistoryRow[]> {
    const rows = conn
      ? await this.history.read(conn)
      : await this.sessions.withConnection((c) => this.history.read(c));
    return rows.sort((a, b) => compareVersions(a.version, b.version));
  }

  /** The state of every migration. */
  async status(): Promise<Status> {
    // The connection is opened first: the server accepts it (forks a backend, authenticates) while
    // the files are read and hashed.
    const connecting = (await this.driver()).connect();
    let files: MigrationFile[];
    try {
      files = this.files();
    } catch (error) {
      await connecting.then((conn) => conn.close()).catch(() => {});
      throw error;
    }
    const conn = await connecting;
    try {
      return computeStatus(files, await this.historyRows(conn));
    } finally {
      await conn.close().catch(() => {});
    }
  }

  /** The status under the runner lock, for the commands that change history. */
  private async lockedStatus<T>(fn: (conn: Connection, status: Status) => Promise<T>): Promise<T> {
    return this.sessions.locked(async (conn) =>
      fn(conn, computeStatus(this.files(), await this.history.read(conn))),
    );
  }

  /**
   * Completes the active online migration (contract phase). Returns its version, or null when
   * none is active.
   *
   * @example
   * await migrator.complete({ dropOld: true });
   */
  async complete(options: { dropOld?: boolean } = {}): Promise<string | null> {
    refuseOnlineUnsupported(this.dialect, 'sluice complete');
    return this.lockedStatus((conn, status) => completeActive(onlineEnv(this.setup, conn), status, options));
  }

  /**
   * Rolls the active (or half-expanded) online migration back, leaving the old schema as it was.
   * Idempotent: returns null when there is nothing to abort.
   *
   * @example
   * await migrator.abort();
   */
  async abort(): Promise<string | null> {
    refuseOnlineUnsupported(this.dialect, 'sluice abort');
    return this.lockedStatus((conn, status) => abortActive(onlineEnv(this.setup, conn), status));
  }

  /** Runs `fn` with a plain session (for read-only helpers such as the latest version schema). */
  async session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.sessions.withConnection(fn);
  }

  /**
   * Each migration's class of change, for `status`: pending ones are planned now; when `up` would
   * refuse them, they stay unknown and the refusal is returned (see {@link classifyMigrations}).
   *
   * @example
   * const { classes, pendingUnknown } = await migrator.classify(await migrator.status());
   */
  classify(status: Status): Promise<MigrationClasses> {
    return classifyMigrations(status, () => this.plan(undefined, { allowOutOfOrder: true }));
  }

  /**
   * The version schema of a migration (for `search_path`), whether or not it has run.
   *
   * @example
   * migrator.versionSchema('20240101120000') // 'sluice_20240101120000_rename_email'
   */
  async versionSchema(version: string): Promise<string> {
    const file = this.files().find((f) => f.version === version);
    if (!file) throw new UsageError(`Unknown version ${version}: no migration file has it.`);
    const { versionSchemaName } = await import('../online/names.js');
    return versionSchemaName(file.version, file.name);
  }

  /**
   * The newest version schema that exists (what a new deployment puts first in its
   * `search_path`), or null when no online migration has run.
   *
   * @example
   * const schema = await migrator.latestVersionSchema();
   */
  async latestVersionSchema(): Promise<string | null> {
    const online = await import('../online/index.js');
    return this.sessions.withConnection((conn) => online.latestVersionSchema(conn));
  }

  /**
   * Batched backfills a crash left unfinished, oldest first, with their progress.
   *
   * @example
   * for (const b of await migrator.pendingBackfills()) console.log(b.id, `${b.rowsDone}/${b.rowsTotal}`);
   */
  async pendingBackfills(): Promise<BackfillStatus[]> {
    const engine = await import('../online/backfill/index.js');
    return this.sessions.withConnection((conn) => engine.pendingBackfills(conn));
  }

  /**
   * Resumes every unfinished backfill from its last committed batch, one after another; progress
   * comes as `progress` events.
   *
   * @example
   * const results = await migrator.resumeBackfills();
   */
  async resumeBackfills(): Promise<BackfillResult[]> {
    const engine = await import('../online/backfill/index.js');
    const onProgress = (progress: unknown) =>
      this.onEvent({ type: 'progress', message: 'backfill', progress });
    return this.sessions.withConnection((conn) => engine.resumeBackfills(conn, { onProgress }));
  }

  /**
   * Applies pending migrations up to a target: `head` (default), `+N`, or a version.
   *
   * @example
   * await migrator.up('+1');
   */
  async up(target?: string, options: RunOptions = {}): Promise<RunResult> {
    const parsed = parseUpTarget(target);
    const outOfOrder = options.allowOutOfOrder ?? this.config.outOfOrder;
    const plan = (status: Status) => planUp(status, parsed, { outOfOrder });
    const apply = options.dryRun ? applyDryRun : applyLive;
    return apply(this.setup, 'up', plan, options);
  }

  /**
   * What `up` would do, statement by statement, without changing anything: locks and the rows
   * behind them, rewrites and scans, transactions, each migration's class and the linter's findings.
   *
   * @example
   * for (const m of await migrator.plan()) console.log(m.version, m.class, m.findings.length);
   */
  async plan(
    target?: string,
    options: Pick<RunOptions, 'allowOutOfOrder'> = {},
  ): Promise<PlannedMigration[]> {
    const parsed = parseUpTarget(target);
    const outOfOrder = options.allowOutOfOrder ?? this.config.outOfOrder;
    const setup = this.setup;
    return this.sessions.withConnection(async (conn) => {
      const entries = planUp(await statusFor(setup, conn, 'up'), parsed, { outOfOrder });
      if (entries.length === 0) return [];
      const server = await targetVersion(setup, conn);
      const units = await loadUnits(setup, entries, 'up', server);
      const reports = await lintAgainstLive(setup, conn, units, server);
      const previews = await previewOnlineUnits(setup, conn, units, server);
      const catalog = await this.dialect.catalog();
      return planReport(reports, {
        estimatedRows: (table) => catalog.estimatedRows(conn, table),
        inTransaction: (step) => runsInTransaction(step, this.config.transaction, this.dialect),
        previews,
      });
    });
  }

  /** The migrations `down` would revert for a target, newest first (for confirmation prompts). */
  async planDown(target?: string): Promise<StatusEntry[]> {
    const parsed = parseDownTarget(target);
    const setup = this.setup;
    return this.sessions.withConnection(async (conn) => {
      const entries = planDown(computeStatus(this.files(), await this.history.read(conn)), parsed);
      // Loading refuses irreversible migrations now, before anyone is asked to confirm.
      if (entries.length > 0) await loadUnits(setup, entries, 'down', await targetVersion(setup, conn));
      return entries;
    });
  }

  /**
   * Reverts applied migrations: `-1` (default), `-N`, down to a version (which stays applied), or `base`.
   *
   * @example
   * await migrator.down('base');
   */
  async down(target?: string, options: RunOptions = {}): Promise<RunResult> {
    const parsed = parseDownTarget(target);
    const plan = (status: Status) => planDown(status, parsed);
    return options.dryRun ? applyDryRun(this.setup, 'down', plan) : applyLive(this.setup, 'down', plan);
  }

  /**
   * Marks every migration up to `version` as applied without running it (for a database that
   * already has the schema).
   *
   * @example
   * await migrator.baseline('20240101120000');
   */
  async baseline(version: string): Promise<StatusEntry[]> {
    if (!/^\d+$/.test(version)) {
      throw new UsageError(`Invalid baseline version "${version}".`, {
        hint: 'Give a version such as 20240101120000.',
      });
    }
    return this.lockedStatus((conn, status) =>
      markApplied(conn, this.dialect, this.history, status, version),
    );
  }

  /**
   * Takes over the history of another migration tool (see {@link FOREIGN_TOOLS}): what it applied
   * is recorded as applied without running, so `up` applies only the rest. Idempotent.
   *
   * @example
   * const { imported, unmatched } = await migrator.importFrom('dbmate');
   */
  async importFrom(tool: string): Promise<ImportResult> {
    if (!isForeignTool(tool)) {
      throw new UsageError(`Unknown tool "${tool}".`, { hint: `Give one of: ${FOREIGN_TOOLS.join(', ')}.` });
    }
    return this.lockedStatus(async (conn, status) => {
      const histories = await detectForeignHistories(conn, this.dialect, ownTable(this.setup));
      const found = histories.find((history) => history.tool === tool);
      if (!found) {
        throw new UsageError(
          `No ${tool} history in this database: no table ${foreignTable(tool)} on the search path.`,
          {
            hint: 'Check --url / DATABASE_URL, and that the search_path includes the schema the tool used.',
          },
        );
      }
      return importForeign(conn, this.dialect, this.history, status, found);
    });
  }

  /**
   * Accepts a deliberate change to an applied migration: records the file's new checksum, or, when
   * the file was deleted, forgets the migration.
   *
   * @example
   * await migrator.accept('20240101120000');
   */
  async accept(version: string): Promise<AcceptResult> {
    return this.lockedStatus((conn, status) =>
      acceptChange(conn, this.dialect, this.history, status, version),
    );
  }

  /** Closes the database driver. */
  async close(): Promise<void> {
    await this.sessions.close();
  }
}
