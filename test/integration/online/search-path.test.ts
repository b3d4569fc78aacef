/**
 * What applications use: the latest version schema, and a pg pool whose connections all start with
 * it in their search_path (so their writes count as the new version's).
 */
import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { latestVersionSchema, searchPathStatement, usePgSearchPath } from '../../../src/online/index.js';
import { type Harness, harness, startOnline } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

test('usePgSearchPath routes a pool through the new version', async () => {
  h = await harness();
  const x = h;
  expect(await latestVersionSchema(x.conn)).toBeNull();
  await x.admin.query(`CREATE TABLE users (id serial PRIMARY KEY, email text)`);
  await startOnline(
    x.ctx('20240808000000', 'rename', (op) => [op.renameColumn('users', 'email', 'email_address')]),
  );
  const schema = await latestVersionSchema(x.conn);
  expect(schema).toBe('sluice_20240808000000_rename');
  const pool = new pg.Pool({ connectionString: x.db.url, max: 3 });
  try {
    usePgSearchPath(pool, schema!);
    await Promise.all(
      [1, 2, 3].map((i) => pool.query(`INSERT INTO users (email_address) VALUES ($1)`, [`p${i}`])),
    );
    const r = await pool.query(`SELECT (current_schemas(false))[1] AS s, count(*)::int AS n FROM users`);
    expect(r.rows).toEqual([{ s: schema, n: 3 }]);
  } finally {
    await pool.end();
  }
  expect(searchPathStatement('a"b', ['app'])).toBe('SET search_path TO "a""b", "app"');
  // The base schema comes behind by default: after complete the version schema holds no views.
  expect(searchPathStatement('v')).toBe('SET search_path TO "v", "public"');
  expect(searchPathStatement('v', [])).toBe('SET search_path TO "v"');
});
