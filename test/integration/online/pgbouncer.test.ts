/**
 * Applications reaching a version schema through a real PgBouncer in transaction pooling mode, with
 * one server connection for all clients (so every client's transactions share it, as they do in
 * production once the pool is busy): a session-level SET leaks from one client to the next, the
 * `options` startup parameter is refused (or, when ignored, dropped), and sluice's per-transaction
 * way gives each client its own version.
 */
import pg from 'pg';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  searchPathOptions,
  searchPathStatement,
  usePgSearchPath,
  withSearchPathTransaction,
} from '../../../src/online/index.js';
import { type PgBouncer, startPgBouncer } from '../../helpers/pgbouncer.js';
import { type Harness, harness, startOnline, versionSchemaName } from './harness.js';

const OLD = 'sluice_base';
const NEW = versionSchemaName('20240909000000', 'rename');

let h: Harness;
const bouncers: PgBouncer[] = [];
const clients: (pg.Client | pg.Pool)[] = [];

beforeEach(async () => {
  h = await harness();
  await h.admin.query(`CREATE TABLE users (id serial PRIMARY KEY, email text)`);
  await h.admin.query(`INSERT INTO users (email) SELECT 'seed' || g FROM generate_series(1, 10) g`);
  await startOnline(
    h.ctx('20240909000000', 'rename', (op) => [op.renameColumn('users', 'email', 'email_address')]),
  );
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  await Promise.all(bouncers.splice(0).map((b) => b.stop()));
  await h.close();
});

async function bouncer(settings?: Record<string, string>): Promise<PgBouncer> {
  const b = await startPgBouncer({ poolMode: 'transaction', poolSize: 1, settings });
  bouncers.push(b);
  return b;
}

async function client(url: string, config: pg.ClientConfig = {}): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, ...config });
  clients.push(c);
  await c.connect();
  return c;
}

test('a session-level SET search_path leaks to the other clients of the server connection', async () => {
  const b = await bouncer();
  const oldApp = await client(b.url(h.db.url));
  const newApp = await client(b.url(h.db.url));
  await oldApp.query(searchPathStatement(OLD));
  await newApp.query(searchPathStatement(NEW));
  // The old application now runs on the new version's search path: its next write fails.
  const seen = await oldApp.query('SELECT current_schema() AS s');
  expect(seen.rows[0].s).toBe(NEW);
  await expect(oldApp.query(`INSERT INTO users (email) VALUES ('old')`)).rejects.toMatchObject({
    code: '42703',
  });
  // A third client that never set anything inherits it too.
  const bystander = await client(b.url(h.db.url));
  expect((await bystander.query('SELECT current_schema() AS s')).rows[0].s).toBe(NEW);
});

test('the options startup parameter does not pass PgBouncer: refused, or dropped when ignored', async () => {
  const strict = await bouncer();
  const pool = new pg.Pool({ connectionString: strict.url(h.db.url), max: 1 });
  clients.push(pool);
  usePgSearchPath(pool, NEW);
  await expect(pool.query('SELECT 1')).rejects.toThrow(/unsupported startup parameter: options/);

  const lax = await bouncer({ ignore_startup_parameters: 'options' });
  const dropped = await client(lax.url(h.db.url), { options: searchPathOptions(NEW) });
  expect((await dropped.query('SELECT current_schema() AS s')).rows[0].s).toBe('public');
});

test('withSearchPathTransaction gives each client its own version through one shared server connection', async () => {
  const b = await bouncer();
  const oldPool = new pg.Pool({ connectionString: b.url(h.db.url), max: 3 });
  const newPool = new pg.Pool({ connectionString: b.url(h.db.url), max: 3 });
  clients.push(oldPool, newPool);
  // A careless client leaves a session-level search path on the shared connection meanwhile.
  const careless = await client(b.url(h.db.url));
  let carelessSets = Promise.resolve<unknown>(undefined);
  const rounds = 30;
  const work = [];
  for (let i = 0; i < rounds; i++) {
    work.push(
      withSearchPathTransaction(oldPool, OLD, async (c) => {
        const r = await c.query(`INSERT INTO users (email) VALUES ($1) RETURNING current_schema() AS s`, [
          `old${i}`,
        ]);
        return r.rows[0].s;
      }),
      withSearchPathTransaction(newPool, NEW, async (c) => {
        const r = await c.query(
          `INSERT INTO users (email_address) VALUES ($1) RETURNING current_schema() AS s`,
          [`new${i}`],
        );
        return r.rows[0].s;
      }),
    );
    if (i % 10 === 0) {
      const schema = i % 20 === 0 ? NEW : OLD;
      carelessSets = carelessSets.then(() => careless.query(searchPathStatement(schema)));
    }
  }
  const seen = await Promise.all(work);
  await carelessSets;
  expect(seen).toEqual(Array.from({ length: rounds }, () => [OLD, NEW]).flat());

  // A failing transaction rolls back and leaves nothing behind.
  await expect(
    withSearchPathTransaction(newPool, NEW, async (c) => {
      await c.query(`INSERT INTO users (email_address) VALUES ('rolled back')`);
      await c.query(`INSERT INTO users (email) VALUES ('no such column in the new version')`);
    }),
  ).rejects.toMatchObject({ code: '42703' });

  // Every write is there once, none of the rolled-back transaction's.
  const rows = await h.admin.query<{ email: string }>(`SELECT email FROM users WHERE email !~ '^seed'`);
  expect(rows.rows.map((r) => r.email).sort()).toEqual(
    Array.from({ length: rounds }, (_, i) => [`new${i}`, `old${i}`])
      .flat()
      .sort(),
  );
  // SET LOCAL ends with its transaction: after one more, the connection's own search path is the
  // last session-level one again (the careless client's, reset to the default).
  await careless.query('RESET search_path');
  await withSearchPathTransaction(newPool, NEW, (c) => c.query('SELECT 1'));
  const after = await client(b.url(h.db.url));
  expect((await after.query('SELECT current_schema() AS s')).rows[0].s).toBe('public');
});
