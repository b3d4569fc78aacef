/**
 * Runs once before the suite: makes a template PGlite data directory (PGlite's initdb takes
 * seconds; copying a ready directory takes milliseconds), and checks the real server is up,
 * because the integration tests must run against it, never be skipped.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PG_ADMIN_URL, PGLITE_TEMPLATE } from './databases.js';

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`The integration tests need PostgreSQL at ${PG_ADMIN_URL}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
  if (!existsSync(join(PGLITE_TEMPLATE, 'PG_VERSION'))) {
    mkdirSync(PGLITE_TEMPLATE, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite(PGLITE_TEMPLATE);
    await db.waitReady;
    await db.close();
  }
}
