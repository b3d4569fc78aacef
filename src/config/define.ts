/**
 * The configuration a project writes in `sluice.config.{ts,js,mjs,json}`.
 */

import type { MigrationLayout } from '../migrations/layouts.js';

/** How migrations are grouped into transactions. */
export type TransactionMode = 'each' | 'all' | 'none';

/** A duration: milliseconds, or a string such as `'3s'`, `'500ms'`, `'2min'`. */
export type Duration = number | string;

/** Everything a config file may set. Every field is optional; flags and env override it. */
export interface SluiceConfig {
  /**
   * Database URL: `postgres://user:pass@host:5432/db`, `pglite:./path`, or `pglite:memory`.
   * Without one (and without `--url` / `DATABASE_URL`), sluice uses embedded PGlite in `.sluice/db`.
   */
  database?: string;
  /** Migrations directory, relative to the config file (default: the layout's, `migrations` for sluice). */
  migrations?: string;
  /**
   * How the migrations are laid out: `sluice` (default), `dbmate` (same format, in `db/migrations`),
   * `prisma` (`prisma/migrations/<name>/migration.sql`), `flyway` (`db/migration/V<n>__<desc>.sql`).
   */
  layout?: MigrationLayout;
  /** History table name (default `sluice_migrations`). */
  historyTable?: string;
  /** Schema of the history table (default `public`). */
  historySchema?: string;
  /** `each` (default): a transaction per migration; `all`: one for the whole run; `none`: no transactions. */
  transaction?: TransactionMode;
  /**
   * How long a DDL statement waits for a table lock before giving up and retrying (default
   * `250ms`): every query on the table queues behind a waiting DDL statement for this long at most.
   */
  lockTimeout?: Duration;
  /** Most retries of a migration or statement after a lock timeout (default 60). */
  lockRetries?: number;
  /** Retries after lock timeouts stop once this much time has passed (default `2min`). */
  lockRetryBudget?: Duration;
  /** Limit on any one statement (default 0: none). */
  statementTimeout?: Duration;
  /** How long to wait for another sluice run to release the migration lock (default `5min`). */
  lockWait?: Duration;
  /** Allow applying a pending migration older than the newest applied one (default false). */
  outOfOrder?: boolean;
  /** Linter settings. */
  lint?: {
    /** Target PostgreSQL major version (default: the live server's, else 15). */
    pgVersion?: number;
    /** Per-rule severity override, or `off`. */
    rules?: Record<string, 'off' | 'warning' | 'error'>;
    /**
     * `up` does not lint migrations up to and including this version (a legacy history applied
     * before sluice's checks); `sluice lint` still lints them. strong_migrations: `start_after`.
     */
    startAfter?: string;
  };
  /**
   * Named environments, chosen with `--env <name>` or `SLUICE_ENV`: each block's keys replace the
   * top-level ones, e.g. `{ production: { database: '…', lockTimeout: '1s' } }`.
   */
  environments?: Record<string, Omit<SluiceConfig, 'environments'>>;
}

/**
 * Types a config file. Returns its argument unchanged.
 *
 * @example
 * // sluice.config.ts
 * import { defineConfig } from 'sluice';
 * export default defineConfig({ database: process.env.DATABASE_URL, lockTimeout: '2s' });
 */
export function defineConfig(config: SluiceConfig): SluiceConfig {
  return config;
}

/**
 * Parses a duration to milliseconds.
 *
 * @example
 * parseDuration('1.5s') // 1500
 */
export function parseDuration(value: Duration): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`invalid duration ${value}`);
    return Math.floor(value);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$/i.exec(value);
  if (!m) throw new RangeError(`invalid duration ${JSON.stringify(value)} (use e.g. 500ms, 3s, 2min)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor =
    unit === 'ms' ? 1 : unit === 's' || unit === 'sec' ? 1000 : unit === 'h' ? 3_600_000 : 60_000;
  return Math.floor(n * factor);
}
