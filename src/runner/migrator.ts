/**
 * The library's main object: every CLI command is a method here.
 */

import type { SluiceConfig } from '../config/define.js';
import { type ConfigOverrides, loadConfig, type ResolvedConfig } from '../config/load.js';
import type { Connection, Dialect, Driver } from '../dialects/dialect.js';
import { createDriver } from '../dialects/index.js';
import { postgresDialect } from '../dialects/postgres/dialect.js';
import { RefusedError, UsageError } from '../errors.js';
import { loadMigration } from '../migrations/load.js';
import { compareVersions, listMigrations } from '../migrations/source.js';
import type { LoadedMigration, MigrationFile } from '../migrations/types.js';
import {
  type Direction,
  type ExecContext,
  type RunnerEvent,
  runNonTransactional,
  runTransactional,
} from './execute.js';
import { HistoryStore, run } from './history.js';
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
import { DryRunSink, LiveSink, type StatementSink } from './sink.js';

export interface MigratorOptions {
  cwd?: string;
  overrides?: ConfigOverrides;
  /** A config object instead of a config file. */
  config?: SluiceConfig;
  onEvent?: (event: RunnerEvent) => void;
}

export interface RunOptions {
  dryRun?: boolean;
  /** Apply pending migrations older than the newest applied one. */
  allowOutOfOrder?: boolean;
}

/** What `up` or `down` did (or, in a dry run, would do). */
export interface RunResult {
  direction: Direction;
  migrations: { version: string; name: string; durationMs: number }[];
  /** The SQL script, for `--dry-run`. */
  script?: string;
}

interface Unit {
  entry: StatusEntry;
  file: MigrationFile;
  loaded: LoadedMigration;
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
  return new Migrator(config, options.onEvent);
}

export class Migrator {
  private driverPromise: Promise<Driver> | null = null;
  private readonly history: HistoryStore;
  /** Backoff base for lock-timeout retries (ms). */
  retryBaseMs = 500;

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
    return listMigrations(this.config.migrationsDir);
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
  async historyRows(): Promise<HistoryRow[]> {
    const rows = await this.withConnection((conn) => this.history.read(conn));
    return rows.sort((a, b) => compareVersions(a.version, b.version));
  }

  /** The state of every migration. */
  async status(): Promise<Status> {
    const files = this.files();
    return computeStatus(files, await this.historyRows());
  }

  /** Runs `fn` holding the runner lock, with history ensured. */
  private async locked<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const driver = await this.driver();
    const lock = await driver.acquireRunnerLock({
      key: `${this.config.historySchema}.${this.config.historyTable}`,
      timeoutMs: this.config.lockWaitMs,
      onWait: (holder) => this.onEvent({ type: 'lock-wait', holder: holder?.description ?? null }),
    });
    try {
      return await this.withConnection(async (conn) => {
        await this.history.ensure(conn);
        return fn(conn);
      });
    } finally {
      await lock.release();
    }
  }

  private context(sink: StatementSink): ExecContext {
    return {
      dialect: dialectFor(this.config),
      sink,
      history: this.history,
      settings: {
        lockTimeoutMs: this.config.lockTimeoutMs,
        statementTimeoutMs: this.config.statementTimeoutMs,
      },
      lockRetries: this.config.lockRetries,
      onEvent: this.onEvent,
      retryBaseMs: this.retryBaseMs,
    };
  }

  private async load(entries: StatusEntry[], direction: Direction): Promise<Unit[]> {
    const units: Unit[] = [];
    for (const entry of entries) {
      if (!entry.file) throw new UsageError(`Migration ${entry.version}_${entry.name} has no file.`);
      units.push({ entry, file: entry.file, loaded: await loadMigration(entry.file) });
    }
    if (direction === 'down') {
      const irreversible = units.filter((u) => u.loaded.down === null);
      if (irreversible.length > 0) {
        throw new RefusedError(
          'irreversible',
          `Cannot roll back: ${irreversible.map((u) => u.file.path).join(', ')} ${irreversible.length === 1 ? 'has' : 'have'} no down step. Nothing was reverted.`,
          {
            file: irreversible[0]!.file.path,
            hint: 'Add a `-- migrate:down` section (SQL) or a `down` function (TypeScript), or roll back to a later version.',
          },
        );
      }
    }
    if (this.config.transaction === 'all') {
      const outside = units.filter((u) => !(direction === 'up' ? u.loaded.up : u.loaded.down)!.transaction);
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

  private async execute(units: Unit[], direction: Direction, sink: StatementSink): Promise<RunResult> {
    const ctx = this.context(sink);
    const result: RunResult = { direction, migrations: [] };
    const historyAction = (u: Unit, durationMs: number) =>
      direction === 'up'
        ? ({
            kind: 'upsert',
            row: {
              version: u.file.version,
              name: u.file.name,
              kind: u.file.kind,
              checksum: u.file.checksum,
              status: 'applied',
              durationMs,
            },
          } as const)
        : ({ kind: 'remove', version: u.file.version } as const);
    const stepOf = (u: Unit) => (direction === 'up' ? u.loaded.up : u.loaded.down!);
    const dry = sink instanceof DryRunSink ? sink : null;

    if (this.config.transaction === 'all' && units.length > 0) {
      const started = performance.now();
      for (const u of units) dry?.comment(`${u.file.path} (${direction})`);
      await runTransactional(
        ctx,
        units.map((u) => ({
          file: u.file,
          step: stepOf(u),
          direction,
          history: () => historyAction(u, performance.now() - started),
        })),
      );
      for (const u of units)
        result.migrations.push({
          version: u.file.version,
          name: u.file.name,
          durationMs: performance.now() - started,
        });
      return result;
    }
    for (const u of units) {
      const step = stepOf(u);
      const started = performance.now();
      if (!dry)
        this.onEvent({
          type: 'migration-start',
          direction,
          version: u.file.version,
          name: u.file.name,
          file: u.file.path,
        });
      dry?.comment(
        `${u.file.path} (${direction}${step.transaction && this.config.transaction !== 'none' ? '' : ', outside a transaction'})`,
      );
      const history = () => historyAction(u, performance.now() - started);
      if (step.transaction && this.config.transaction !== 'none') {
        const durable = u === units[units.length - 1];
        await runTransactional(ctx, [{ file: u.file, step, direction, history }], { durable });
      } else {
        await runNonTransactional(ctx, { file: u.file, step, direction, previous: u.entry.row, history });
      }
      const durationMs = performance.now() - started;
      if (!dry)
        this.onEvent({
          type: 'migration-done',
          direction,
          version: u.file.version,
          name: u.file.name,
          durationMs,
        });
      result.migrations.push({ version: u.file.version, name: u.file.name, durationMs });
    }
    return result;
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
    if (options.dryRun) {
      const entries = planUp(await this.status(), parsed, { outOfOrder });
      const sink = new DryRunSink(dialectFor(this.config));
      const result = await this.execute(await this.load(entries, 'up'), 'up', sink);
      return { ...result, script: sink.script };
    }
    return this.locked(async (conn) => {
      // Planned under the lock: a runner that waited finds the work already done.
      const status = computeStatus(this.files(), await this.history.read(conn));
      const units = await this.load(planUp(status, parsed, { outOfOrder }), 'up');
      return this.execute(units, 'up', new LiveSink(conn));
    });
  }

  /** The migrations `down` would revert for a target, newest first (for confirmation prompts). */
  async planDown(target?: string): Promise<StatusEntry[]> {
    const entries = planDown(await this.status(), parseDownTarget(target));
    await this.load(entries, 'down');
    return entries;
  }

  /**
   * Reverts applied migrations: `-1` (default), `-N`, down to a version (which stays applied), or `base`.
   *
   * @example
   * await migrator.down('base');
   */
  async down(target?: string, options: RunOptions = {}): Promise<RunResult> {
    const parsed = parseDownTarget(target);
    if (options.dryRun) {
      const entries = planDown(await this.status(), parsed);
      const sink = new DryRunSink(dialectFor(this.config));
      const result = await this.execute(await this.load(entries, 'down'), 'down', sink);
      return { ...result, script: sink.script };
    }
    return this.locked(async (conn) => {
      const status = computeStatus(this.files(), await this.history.read(conn));
      const units = await this.load(planDown(status, parsed), 'down');
      return this.execute(units, 'down', new LiveSink(conn));
    });
  }

  /**
   * Marks every migration up to `version` as applied without running it (for a database that
   * already has the schema).
   *
   * @example
   * await migrator.baseline('20240101120000');
   */
  async baseline(version: string): Promise<StatusEntry[]> {
    if (!/^\d+$/.test(version))
      throw new UsageError(`Invalid baseline version "${version}".`, {
        hint: 'Give a version such as 20240101120000.',
      });
    return this.locked(async (conn) => {
      const status = computeStatus(this.files(), await this.history.read(conn));
      if (!status.entries.some((e) => e.version === version && e.file)) {
        throw new UsageError(`Unknown baseline version ${version}: no migration file has it.`, {
          hint: 'Run `sluice status` to see the versions.',
        });
      }
      const marked = status.entries.filter(
        (e) => e.state === 'pending' && e.file && compareVersions(e.version, version) <= 0,
      );
      const dialect = dialectFor(this.config);
      await conn.query('BEGIN');
      try {
        for (const e of marked) {
          await run(
            conn,
            dialect,
            this.history.upsert({
              version: e.version,
              name: e.name,
              kind: e.file!.kind,
              checksum: e.file!.checksum,
              status: 'applied',
              durationMs: 0,
            }),
          );
        }
        await conn.query('COMMIT');
      } catch (error) {
        await conn.query('ROLLBACK').catch(() => {});
        throw error;
      }
      return marked;
    });
  }

  /**
   * Accepts a deliberate change to an applied migration: records the file's new checksum, or, when
   * the file was deleted, forgets the migration.
   *
   * @example
   * await migrator.accept('20240101120000');
   */
  async accept(version: string): Promise<{ version: string; action: 'checksum-updated' | 'forgotten' }> {
    return this.locked(async (conn) => {
      const status = computeStatus(this.files(), await this.history.read(conn));
      const entry = status.entries.find((e) => e.version === version);
      const dialect = dialectFor(this.config);
      if (entry?.state === 'drifted') {
        await run(conn, dialect, this.history.setChecksum(version, entry.file!.checksum));
        return { version, action: 'checksum-updated' };
      }
      if (entry?.state === 'missing') {
        await run(conn, dialect, this.history.remove(version));
        return { version, action: 'forgotten' };
      }
      throw new UsageError(`Nothing to accept for ${version}: it is ${entry ? entry.state : 'unknown'}.`, {
        hint: '`sluice accept` applies to drifted or missing migrations (see `sluice status`).',
      });
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
