/**
 * The library's main object: every CLI command is a method here.
 */

import type { SluiceConfig } from '../config/define.js';
import { type ConfigOverrides, loadConfig, type ResolvedConfig } from '../config/load.js';
import type { Connection, Dialect, Driver } from '../dialects/dialect.js';
import { createDriver } from '../dialects/index.js';
import { postgresDialect } from '../dialects/postgres/dialect.js';
import { UsageError } from '../errors.js';
import type { Finding } from '../lint/types.js';
import { loadMigration } from '../migrations/load.js';
import { compareVersions, listMigrations } from '../migrations/source.js';
import type { MigrationFile } from '../migrations/types.js';
import type { BackfillResult, BackfillStatus } from '../online/backfill/index.js';
import type { OnlinePreview, PreviewStatement } from '../online/index.js';
import { DEFAULT_RETRY_POLICY } from '../retry.js';
import type { Direction, ExecContext, RunnerEvent } from './execute.js';
import {
  detectForeignHistories,
  FOREIGN_TOOLS,
  foreignTable,
  isForeignTool,
  refuseForeignHistory,
} from './foreign-history.js';
import { HistoryStore } from './history.js';
import {
  type AcceptResult,
  acceptChange,
  type ImportResult,
  importForeign,
  markApplied,
} from './history-admin.js';
import { emptyRelations, liveColumns } from './live-facts.js';
import { abortActive, completeActive, type OnlineEnv, previewUnit } from './online-runner.js';
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
import { buildPlan, type PlannedMigration } from './plan-report.js';
import { prepareUnits, type Unit } from './prepare.js';
import { runUnits } from './run-units.js';
import {
  assertParses,
  assertSafe,
  firstUnsafe,
  inspectUnits,
  type UnitReport,
  unsafeError,
} from './safety.js';
import { DryRunSink, LiveSink, type StatementSink } from './sink.js';
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

/** What a run works against: the live session (null in a dry run) and the server version. */
interface RunEnv {
  sink: StatementSink;
  conn: Connection | null;
  serverVersion: number;
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
  const migrator = new Migrator(config, options.onEvent);
  migrator.statementEvents = options.statementEvents ?? false;
  return migrator;
}

export class Migrator {
  private driverPromise: Promise<Driver> | null = null;
  private readonly history: HistoryStore;
  /** First delay between lock-timeout retries (ms); it doubles per retry. Tests lower it. */
  retryBaseMs = DEFAULT_RETRY_POLICY.baseMs;
  /** See {@link MigratorOptions.statementEvents}. */
  statementEvents = false;

  constructor(
    readonly config: ResolvedConfig,
    private readonly onEvent: (event: RunnerEvent) => void = () => {},
  ) {
    this.history = new HistoryStore(
      // The dialect is known from the target kind without loading a driver.
      dialectFor(config),
      config.historyTable,
      config.historySchema,
    );
  }

  /** The driver, created on first use. */
  driver(): Promise<Driver> {
    this.driverPromise ??= createDriver(this.config.target);
    return this.driverPromise;
  }

  /** Migration files on disk, sorted by version. */
  files(): MigrationFile[] {
    return listMigrations(this.config.migrationsDir, this.config.layout);
  }

  private async withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await (await this.driver()).connect();
    try {
      return await fn(conn);
    } finally {
      await conn.close().catch(() => {});
    }
  }

  /** History rows, oldest first. */
  async historyRows(conn?: Connection): Promise<HistoryRow[]> {
    const rows = conn
      ? await this.history.read(conn)
      : await this.withConnection((c) => this.history.read(c));
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

  /**
   * Runs `fn` holding the runner lock, with history ensured. The lock is taken on the session that
   * runs the migrations (see {@link Driver.acquireRunnerLock}), so it cannot outlive or be outlived
   * by the work it guards.
   */
  private async locked<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const driver = await this.driver();
    return this.withConnection(async (conn) => {
      const lock = await driver.acquireRunnerLock({
        session: conn,
        key: `${this.config.historySchema}.${this.config.historyTable}`,
        timeoutMs: this.config.lockWaitMs,
        onWait: (holder) => this.onEvent({ type: 'lock-wait', holder: holder?.description ?? null }),
      });
      try {
        await this.history.ensure(conn);
        return await fn(conn);
      } finally {
        await lock.release();
      }
    });
  }

  private context(env: RunEnv): ExecContext {
    return {
      dialect: dialectFor(this.config),
      sink: env.sink,
      history: this.history,
      settings: {
        lockTimeoutMs: this.config.lockTimeoutMs,
        statementTimeoutMs: this.config.statementTimeoutMs,
      },
      retry: {
        ...DEFAULT_RETRY_POLICY,
        retries: this.config.lockRetries,
        budgetMs: this.config.lockRetryBudgetMs,
        baseMs: this.retryBaseMs,
      },
      onEvent: this.onEvent,
      conn: env.conn,
      serverVersion: env.serverVersion,
    };
  }

  /** `server_version_num` of the target (the operations compiler and the linter depend on it). */
  private async serverVersion(conn: Connection): Promise<number> {
    const rows = (await conn.query<Record<string, string>>(dialectFor(this.config).serverVersionQuery)).rows;
    const value = Number(Object.values(rows[0] ?? {})[0]);
    return Number.isFinite(value) && value > 0 ? value : (this.config.lint.pgVersion ?? 15) * 10000;
  }

  private async load(entries: StatusEntry[], direction: Direction, serverVersion: number): Promise<Unit[]> {
    const loaded = [];
    for (const entry of entries) {
      if (!entry.file) throw new UsageError(`Migration ${entry.version}_${entry.name} has no file.`);
      loaded.push({ entry, file: entry.file, loaded: await loadMigration(entry.file) });
    }
    const env = { dialect: dialectFor(this.config), serverVersion, onEvent: this.onEvent };
    const units = await prepareUnits(env, loaded, direction);
    if (this.config.transaction === 'all') {
      const outside = units.filter((u) => !u.step.transaction);
      if (outside.length > 0) {
        throw new UsageError(
          `transaction mode "all" cannot include ${outside.map((u) => u.file.path).join(', ')}: it must run outside a transaction.`,
          {
            hint: 'Apply it on its own with transaction mode "each" (the default), or drop transaction:false.',
          },
        );
      }
    }
    return units;
  }

  private execute(
    units: Unit[],
    direction: Direction,
    env: RunEnv,
    reports: UnitReport[] = [],
    preview?: (unit: Unit) => Promise<OnlinePreview>,
  ): Promise<RunResult> {
    return runUnits(units, direction, {
      ctx: this.context(env),
      transactionMode: this.config.transaction,
      onEvent: this.onEvent,
      onlineEnv: () => this.onlineEnv(env.conn!),
      reports: new Map(reports.map((r) => [r.unit, r])),
      preview,
    });
  }

  private pgVersion(serverVersion: number): number {
    return this.config.lint.pgVersion ?? Math.floor(serverVersion / 10000);
  }

  /**
   * What an online migration would send, recorded by its own phases on `conn` (read-only
   * meanwhile). Only the first unit of a run is previewed: a later one is planned against the
   * schema the earlier ones leave, which a preview cannot see.
   */
  private async previews(
    conn: Connection,
    units: Unit[],
    serverVersion: number,
  ): Promise<Map<Unit, OnlinePreview | string>> {
    const out = new Map<Unit, OnlinePreview | string>();
    for (const [i, u] of units.entries()) {
      if (!u.loaded.definition?.online) continue;
      out.set(
        u,
        i > 0
          ? `not previewed: ${i} earlier pending migration(s) change the schema first; plan again once they are applied`
          : await previewUnit(
              this.onlineEnv(conn),
              u.file,
              u.loaded.definition,
              this.pgVersion(serverVersion),
            ),
      );
    }
    return out;
  }

  private onlineEnv(conn: Connection): OnlineEnv {
    return {
      conn,
      dialect: dialectFor(this.config),
      history: this.history,
      lockTimeoutMs: this.config.lockTimeoutMs,
      lockRetries: this.config.lockRetries,
      lockRetryBudgetMs: this.config.lockRetryBudgetMs,
      onEvent: this.onEvent,
    };
  }

  /**
   * Completes the active online migration (contract phase). Returns its version, or null when
   * none is active.
   *
   * @example
   * await migrator.complete({ dropOld: true });
   */
  async complete(options: { dropOld?: boolean } = {}): Promise<string | null> {
    return this.locked(async (conn) => {
      const status = computeStatus(this.files(), await this.history.read(conn));
      return completeActive(this.onlineEnv(conn), status, options);
    });
  }

  /**
   * Rolls the active (or half-expanded) online migration back, leaving the old schema as it was.
   * Idempotent: returns null when there is nothing to abort.
   *
   * @example
   * await migrator.abort();
   */
  async abort(): Promise<string | null> {
    return this.locked(async (conn) => {
      const status = computeStatus(this.files(), await this.history.read(conn));
      return abortActive(this.onlineEnv(conn), status);
    });
  }

  /** Runs `fn` with a plain session (for read-only helpers such as the latest version schema). */
  async session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.withConnection(fn);
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
    return this.withConnection((conn) => online.latestVersionSchema(conn));
  }

  /**
   * Batched backfills a crash left unfinished, oldest first, with their progress.
   *
   * @example
   * for (const b of await migrator.pendingBackfills()) console.log(b.id, `${b.rowsDone}/${b.rowsTotal}`);
   */
  async pendingBackfills(): Promise<BackfillStatus[]> {
    const engine = await import('../online/backfill/index.js');
    return this.withConnection((conn) => engine.pendingBackfills(conn));
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
    return this.withConnection((conn) => engine.resumeBackfills(conn, { onProgress }));
  }

  /**
   * Lints what `up` is about to apply against the live schema (its column types, which tables
   * are empty), so `up`, `plan` and `lint` judge a statement alike.
   */
  private async lintUnits(conn: Connection, units: Unit[], serverVersion: number): Promise<UnitReport[]> {
    const { schemaFromColumns } = await import('../lint/live-schema.js');
    return inspectUnits(units, {
      pgVersion: this.pgVersion(serverVersion),
      rules: this.config.lint.rules,
      startAfter: this.config.lint.startAfter,
      schema: await schemaFromColumns(await liveColumns(conn)),
      emptyRelations: (names) =>
        emptyRelations(conn, dialectFor(this.config), names, this.config.lockTimeoutMs),
    });
  }

  /** Lints what `up` is about to apply, and reports warnings; `down` runs what `up` undid. */
  private async inspect(
    conn: Connection,
    units: Unit[],
    direction: Direction,
    serverVersion: number,
  ): Promise<UnitReport[]> {
    if (direction !== 'up' || units.length === 0) return [];
    const reports = await this.lintUnits(conn, units, serverVersion);
    for (const f of reports.flatMap((r) => r.findings)) {
      const why = f.downgraded ? ` (not blocking: ${f.downgraded})` : '';
      this.onEvent({
        type: 'note',
        message: `${f.severity} ${f.file}:${f.line}:${f.column} ${f.rule}: ${f.message}${why}`,
      });
    }
    return reports;
  }

  /**
   * Runs on a dry-run sink what a live run would, refusing where it would refuse (the linter's
   * errors too, unless allowed). Status, the server version and an online migration's preview are
   * read on one session, which the preview makes read-only while it records.
   */
  private async dryRun(
    direction: Direction,
    plan: (status: Status) => StatusEntry[],
    options: RunOptions = {},
  ): Promise<RunResult> {
    return this.withConnection(async (conn) => {
      const status = await this.statusFor(conn, direction);
      const serverVersion = await this.serverVersion(conn);
      const units = await this.load(plan(status), direction, serverVersion);
      const reports = await this.inspect(conn, units, direction, serverVersion);
      assertParses(reports);
      if (!options.allowUnsafe) assertSafe(reports);
      const sink = new DryRunSink(dialectFor(this.config));
      const preview = (u: Unit) =>
        previewUnit(this.onlineEnv(conn), u.file, u.loaded.definition!, this.pgVersion(serverVersion));
      const env = { sink, conn: null, serverVersion };
      const result = await this.execute(units, direction, env, reports, preview);
      return { ...result, script: sink.script, findings: reports.flatMap((r) => r.findings) };
    });
  }

  /**
   * The status a run plans from. Before `up`, a database another tool migrated and sluice has no
   * history of is refused (see {@link refuseForeignHistory}).
   */
  private async statusFor(conn: Connection, direction: Direction): Promise<Status> {
    const rows = await this.history.read(conn);
    if (direction === 'up') await refuseForeignHistory(conn, dialectFor(this.config), this.ownTable(), rows);
    return computeStatus(this.files(), rows);
  }

  private ownTable(): { schema: string; table: string } {
    return { schema: this.config.historySchema, table: this.config.historyTable };
  }

  /** Plans and runs under the runner lock: a runner that waited finds the work already done. */
  private async live(
    direction: Direction,
    plan: (status: Status) => StatusEntry[],
    options: RunOptions = {},
  ): Promise<RunResult> {
    return this.locked(async (conn) => {
      const entries = plan(await this.statusFor(conn, direction));
      if (entries.length === 0) return { direction, migrations: [] };
      const serverVersion = await this.serverVersion(conn);
      const units = await this.load(entries, direction, serverVersion);
      const reports = await this.inspect(conn, units, direction, serverVersion);
      assertParses(reports);
      const sink = new LiveSink(
        conn,
        this.statementEvents
          ? ({ origin, text, durationMs }) =>
              this.onEvent({
                type: 'statement',
                file: origin.file,
                line: origin.line,
                sql: text.trim(),
                durationMs,
              })
          : undefined,
      );
      const env = { sink, conn, serverVersion };
      const unsafe = options.allowUnsafe ? -1 : firstUnsafe(reports);
      if (unsafe < 0) return this.execute(units, direction, env, reports);
      // The clean migrations before the first unsafe one are applied (they do not depend on it),
      // then the run refuses, saying what it applied. With transaction mode "all" the run is one
      // transaction: all or nothing, so nothing is applied.
      const clean = this.config.transaction === 'all' ? [] : units.slice(0, unsafe);
      const done = clean.length > 0 ? await this.execute(clean, direction, env, reports) : null;
      throw unsafeError(reports.slice(unsafe), done?.migrations ?? []);
    });
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
    return options.dryRun ? this.dryRun('up', plan, options) : this.live('up', plan, options);
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
    return this.withConnection(async (conn) => {
      const entries = planUp(await this.statusFor(conn, 'up'), parsed, { outOfOrder });
      if (entries.length === 0) return [];
      const serverVersion = await this.serverVersion(conn);
      const units = await this.load(entries, 'up', serverVersion);
      const reports = await this.lintUnits(conn, units, serverVersion);
      const previews = await this.previews(conn, units, serverVersion);
      return buildPlan(conn, reports, this.config.transaction, previews);
    });
  }

  /** The migrations `down` would revert for a target, newest first (for confirmation prompts). */
  async planDown(target?: string): Promise<StatusEntry[]> {
    const parsed = parseDownTarget(target);
    return this.withConnection(async (conn) => {
      const entries = planDown(computeStatus(this.files(), await this.history.read(conn)), parsed);
      // Loading refuses irreversible migrations now, before anyone is asked to confirm.
      if (entries.length > 0) await this.load(entries, 'down', await this.serverVersion(conn));
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
    return options.dryRun ? this.dryRun('down', plan) : this.live('down', plan);
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
    return this.locked(async (conn) => {
      const status = computeStatus(this.files(), await this.history.read(conn));
      return markApplied(conn, dialectFor(this.config), this.history, status, version);
    });
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
    return this.locked(async (conn) => {
      const dialect = dialectFor(this.config);
      const found = (await detectForeignHistories(conn, dialect, this.ownTable())).find(
        (h) => h.tool === tool,
      );
      if (!found) {
        throw new UsageError(
          `No ${tool} history in this database: no table ${foreignTable(tool)} on the search path.`,
          {
            hint: 'Check --url / DATABASE_URL, and that the search_path includes the schema the tool used.',
          },
        );
      }
      const status = computeStatus(this.files(), await this.history.read(conn));
      return importForeign(conn, dialect, this.history, status, found);
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
    return this.locked(async (conn) => {
      const status = computeStatus(this.files(), await this.history.read(conn));
      return acceptChange(conn, dialectFor(this.config), this.history, status, version);
    });
  }

  /** Closes the database driver. */
  async close(): Promise<void> {
    if (this.driverPromise) await (await this.driverPromise.catch(() => null))?.close();
    this.driverPromise = null;
  }
}

function dialectFor(_config: ResolvedConfig): Dialect {
  // Both supported targets (the pg server and PGlite) speak PostgreSQL.
  return postgresDialect;
}
