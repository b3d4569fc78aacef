/**
 * Per-test databases. Every integration test creates its own uniquely named database on the real
 * server and drops it afterwards; PGlite targets are in memory or in a temporary directory.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A ready PGlite data directory made once by global-setup, copied for each test. */
export const PGLITE_TEMPLATE = join(tmpdir(), 'sluice-pglite-template-v1');

/** The real server's admin URL; CI starts the server before the tests. */
export const PG_ADMIN_URL = process.env.SLUICE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** URL sluice accepts (`postgres://…` or `pglite:…`). */
  url: string;
  /** Short label for test names. */
  label: 'postgres' | 'pglite';
  drop(): Promise<void>;
}

function uniqueName(prefix: string): string {
  return `sluice_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the real server. */
export async function createPgDatabase(prefix = 't'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    label: 'postgres',
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A PGlite database in a fresh temporary directory (a copy of the template made by global-setup). */
export async function createPgliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pglite-'));
  cpSync(PGLITE_TEMPLATE, join(dir, 'db'), { recursive: true });
  return {
    url: `pglite:${join(dir, 'db')}`,
    label: 'pglite',
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Both PostgreSQL targets, for suites that must pass on each. */
export const POSTGRES_TARGETS: { label: 'postgres' | 'pglite'; create: () => Promise<TestDatabase> }[] = [
  { label: 'postgres', create: () => createPgDatabase() },
  { label: 'pglite', create: () => createPgliteDatabase() },
];

/** A plain `pg` client on a test database, for assertions that look at the catalog directly. */
export async function pgClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
