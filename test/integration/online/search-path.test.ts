/**
 * What applications use: the latest version schema, and a pg pool whose connections all start with
 * it in their search_path (so their writes count as the new version's).
 */
import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import {
  latestVersionSchema,
  searchPathOptions,
  searchPathStatement,
  usePgSearchPath,
  versionSchemaName,
} from '../../../src/online/index.js';
import { type Harness, harness, startOnline } from './harness.js';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// First in the file: pg prints each deprecation once per process, so no earlier test may use it up.
test('usePgSearchPath sends no query of its own: no pg deprecation warning, new clients busy at once', async () => {
  h = await harness();
  const x = h;
  await x.admin.query(`CREATE TABLE users (id serial PRIMARY KEY, email text)`);
  await startOnline(
    x.ctx('20240808000000', 'rename', (op) => [op.renameColumn('users', 'email', 'email_address')]),
  );
  const schema = versionSchemaName('20240808000000', 'rename');
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  const pool = new pg.Pool({ connectionString: x.db.url, max: 4 });
  try {
    usePgSearchPath(pool, schema);
    // Each pool.query on a fresh client is that client's first query: with a SET sent from a
    // 'connect' listener, it was issued while the SET still ran (pg 8 warns, pg 9 refuses).
    const rows = await Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        const r = await pool.query(
          `INSERT INTO users (email_address) VALUES ($1) RETURNING current_schema() AS s`,
          [`w${i}`],
        );
        return r.rows[0].s;
      }),
    );
    expect(rows).toEqual([schema, schema, schema, schema]);
    expect(pool.totalCount).toBe(4);
    // Warnings are emitted on the next tick.
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
    await pool.end();
  }
  expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  // The old version's column filled by the dual-write trigger: the writes were the new version's.
  const old = await x.admin.query(`SELECT count(*)::int AS n FROM users WHERE email LIKE 'w%'`);
  expect(old.rows[0].n).toBe(4);
});

test('searchPathOptions quotes and escapes any schema name, as the SET statement does', async () => {
  h = await harness();
  const odd = 'we ird"\\ name';
  const fallback = ['app schema', 'public'];
  for (const name of [odd, 'app schema']) await h.admin.query(`CREATE SCHEMA ${ident(name)}`);
  const schemas = 'SELECT current_schemas(false)::text[] AS s';
  const direct = new pg.Client({ connectionString: h.db.url, options: searchPathOptions(odd, fallback) });
  await direct.connect();
  try {
    const viaOptions = (await direct.query(schemas)).rows[0].s;
    await h.admin.query(searchPathStatement(odd, fallback));
    const viaSet = (await h.admin.query(schemas)).rows[0].s;
    expect(viaOptions).toEqual([odd, 'app schema', 'public']);
    expect(viaSet).toEqual(viaOptions);
  } finally {
    await direct.end();
  }
  expect(searchPathOptions('v')).toBe('-c search_path="v","public"');
});

test("usePgSearchPath keeps the pool's own options, replaces its own on a second call, refuses a URL with options", async () => {
  h = await harness();
  const pool = new pg.Pool({ connectionString: h.db.url, max: 1, options: '-c statement_timeout=4321' });
  try {
    usePgSearchPath(pool, 'first');
    usePgSearchPath(pool, 'second', []);
    const r = await pool.query(
      `SELECT current_setting('search_path') AS sp, current_setting('statement_timeout') AS st`,
    );
    expect(r.rows[0]).toEqual({ sp: '"second"', st: '4321ms' });
  } finally {
    await pool.end();
  }
  const url = new URL(h.db.url);
  url.searchParams.set('options', '-c statement_timeout=1000');
  const withOptions = new pg.Pool({ connectionString: url.toString() });
  expect(() => usePgSearchPath(withOptions, 'v')).toThrow(/connection string sets options=/);
  await withOptions.end();
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
