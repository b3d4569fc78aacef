/**
 * Picks a driver for a database target. Drivers are imported lazily so a command only loads the
 * database client it uses.
 */
import type { DatabaseTarget } from '../config/url.js';
import type { Driver } from './dialect.js';

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
