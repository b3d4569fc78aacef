/**
 * Fixtures shared by the backfill suites.
 */
import type { Connection } from '../../src/dialects/dialect.js';
import type { BackfillSpec } from '../../src/online/backfill/index.js';

export const users = (id: string, extra: Partial<BackfillSpec> = {}): BackfillSpec =>
  ({
    id,
    mode: 'update',
    table: { schema: 'public', name: 'users' },
    set: { email_address: 'lower(email)', touched: 'touched + 1' },
    ...extra,
  }) as BackfillSpec;

/** `users(id, email, email_address, touched)`: `touched` counts how often the backfill wrote a row. */
export async function makeUsers(conn: Connection, rows: number): Promise<void> {
  await conn.query(
    'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, email_address text, touched int NOT NULL DEFAULT 0)',
  );
  await conn.query(
    `INSERT INTO users (id, email) SELECT g, 'User' || g || '@Example.com' FROM generate_series(1, ${rows}) g`,
  );
}

export async function touchedCounts(conn: Connection, table = 'users'): Promise<Record<number, number>> {
  const res = await conn.query<{ touched: number; n: number }>(
    `SELECT touched, count(*)::int AS n FROM ${table} GROUP BY touched ORDER BY touched`,
  );
  return Object.fromEntries(res.rows.map((r) => [r.touched, r.n]));
}

export async function catchError(
  p: Promise<unknown>,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
