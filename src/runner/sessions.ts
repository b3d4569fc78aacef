/**
 * The migrator's sessions to its target: the driver (created on first use), a plain session for
 * reads, and the locked session every change runs on.
 */
import type { Connection, Driver } from '../dialects/dialect.js';
import type { RunnerEvent } from './execute.js';
import type { HistoryStore } from './history.js';

/** How the runner lock is taken. */
export interface RunnerLockSettings {
  /** One key per history table, so two projects in one database do not block each other. */
  key: string;
  /** Give up after this many milliseconds. */
  waitMs: number;
}

/**
 * Opens sessions to one target.
 *
 * @example
 * const sessions = new TargetSessions(() => createDriver(config.target), { key: 'public.sluice_migrations', waitMs: 300_000 }, history, onEvent);
 * await sessions.locked((conn) => history.read(conn));
 */
export class TargetSessions {
  private driverPromise: Promise<Driver> | null = null;

  constructor(
    private readonly openDriver: () => Promise<Driver>,
    private readonly lock: RunnerLockSettings,
    private readonly history: HistoryStore,
    private readonly onEvent: (event: RunnerEvent) => void,
  ) {}

  /** The driver, created on first use. */
  driver(): Promise<Driver> {
    this.driverPromise ??= this.openDriver();
    return this.driverPromise;
  }

  /** Runs `fn` on a session of its own, closed afterwards. */
  async withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await (await this.driver()).connect();
    try {
      return await fn(conn);
    } finally {
      // Closing cannot undo what `fn` did, and its own outcome (or error) is what the caller needs.
      await conn.close().catch(() => {});
    }
  }

  /**
   * Runs `fn` holding the runner lock, with history ensured. The lock is taken on the session that
   * runs the migrations (see {@link Driver.acquireRunnerLock}), so it cannot outlive or be outlived
   * by the work it guards.
   */
  async locked<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const driver = await this.driver();
    return this.withConnection(async (conn) => {
      const lock = await driver.acquireRunnerLock({
        session: conn,
        key: this.lock.key,
        timeoutMs: this.lock.waitMs,
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

  /** Closes the driver (a driver that failed to open has nothing to close). */
  async close(): Promise<void> {
    if (this.driverPromise) await (await this.driverPromise.catch(() => null))?.close();
    this.driverPromise = null;
  }
}
