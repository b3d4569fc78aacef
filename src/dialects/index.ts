/**
 * Picks the dialect and the driver for a database target. The dialect is known from the target's
 * kind alone and loads no driver; drivers are imported lazily, so a command only loads the database
 * client it uses.
 */
import type { DatabaseTarget } from '../config/url.js';
import type { Dialect, DialectName, Driver } from './dialect.js';
import { postgresDialect } from './postgres/dialect.js';

/** The built-in dialects (MySQL/MariaDB and SQLite will join them). */
const DIALECTS = { postgres: postgresDialect } as const satisfies Partial<Record<DialectName, Dialect>>;

/**
 * The dialect a target speaks, without loading its driver.
 *
 * @example
 * dialectForTarget({ kind: 'pglite', dataDir: null }).name // 'postgres'
 */
export function dialectForTarget(target: DatabaseTarget): Dialect {
  switch (target.kind) {
    // Both supported targets (a server through `pg`, and embedded PGlite) speak PostgreSQL.
    case 'postgres':
    case 'pglite':
      return postgresDialect;
  }
}

/**
 * A dialect by name, for code that is written for one flavour (the online engine is PostgreSQL's).
 *
 * @example
 * dialectNamed('postgres').errorInfo(error).retryable
 */
export function dialectNamed(name: keyof typeof DIALECTS): Dialect {
  return DIALECTS[name];
}

/**
 * Opens a driver for a parsed target.
 *
 * @example
 * const driver = await createDriver({ kind: 'pglite', dataDir: null });
 */
export async function createDriver(target: DatabaseTarget): Promise<Driver> {
  switch (target.kind) {
    case 'postgres': {
      const { PgDriver } = await import('./postgres/pg-driver.js');
      return new PgDriver(target.url);
    }
    case 'pglite': {
      const { PgliteDriver } = await import('./postgres/pglite-driver.js');
      return new PgliteDriver(target.dataDir);
    }
  }
}
