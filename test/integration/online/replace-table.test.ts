/**
 * Blue-green replaceTable: sync both ways during expand, swap on complete, the old table kept in
 * sync in reverse so abort after the swap loses nothing, and --drop-old.
 */
import { afterEach, expect, test } from 'vitest';
import { activeOnlineMigrations } from '../../../src/online/index.js';
import {
  abortOnline,
  completeOnline,
  fingerprint,
  type Harness,
  harness,
  startOnline,
  versionSchemaName,
} from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const VERSION = '20240202000000';
const NAME = 'split_users';
const SCHEMA = versionSchemaName(VERSION, NAME);

async function setup(): Promise<Harness> {
  h = await harness();
  await h.admin.query(
    `CREATE TABLE users (id serial PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, email text)`,
  );
  await h.admin.query(
    `INSERT INTO users (first_name, last_name, email) SELECT 'F' || g, 'L' || g, 'u' || g || '@x' FROM generate_series(1, 5000) g`,
  );
  return h;
}

function ctx(x: Harness) {
  return x.ctx(VERSION, NAME, (op) => [
    op.replaceTable('users', {
      columns: [
        { name: 'id', type: 'bigint', nullable: false },
        { name: 'full_name', type: 'text', nullable: false },
        { name: 'email', type: 'text' },
      ],
      primaryKey: ['id'],
      copy: { full_name: "first_name || ' ' || last_name" },
      reverse: { first_name: "split_part(full_name, ' ', 1)", last_name: "split_part(full_name, ' ', 2)" },
    }),
  ]);
}

const count = async (x: Harness, table: string) =>
  Number((await x.admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

test('sync both ways during expand, swap, abort after the swap keeps every row', async () => {
  const x = await setup();
  const before = await fingerprint(x);
  const c = ctx(x);
  await startOnline(c);
  expect(x.events.some((e) => e.type === 'verify')).toBe(true);
  const old = await x.session('sluice_base');
  const next = await x.session(SCHEMA);
  expect(await next.one('SELECT id, full_name, email FROM users WHERE id = 7')).toEqual({
    id: '7',
    full_name: 'F7 L7',
    email: 'u7@x',
  });
  await old.q(`INSERT INTO users (first_name, last_name) VALUES ('Old', 'Writer')`);
  const [n] = await next.q(`INSERT INTO users (full_name, email) VALUES ('New Writer', 'n@x') RETURNING id`);
  expect(await next.one(`SELECT full_name FROM users WHERE full_name = 'Old Writer'`)).toBeTruthy();
  expect(await old.one(`SELECT first_name, last_name, email FROM users WHERE id = $1`, [n?.id])).toEqual({
    first_name: 'New',
    last_name: 'Writer',
    email: 'n@x',
  });
  await old.q(`UPDATE users SET last_name = 'Changed' WHERE id = 8`);
  expect(await next.one('SELECT full_name FROM users WHERE id = 8')).toEqual({ full_name: 'F8 Changed' });
  await next.q('DELETE FROM users WHERE id = 9');
  await old.q('DELETE FROM users WHERE id = 10');
  expect(await old.q('SELECT 1 FROM users WHERE id IN (9, 10)')).toEqual([]);
  expect(await next.q('SELECT 1 FROM users WHERE id IN (9, 10)')).toEqual([]);
  expect(await count(x, 'public.users')).toBe(await count(x, 'public._sluice_users'));

  await completeOnline(c);
  expect(await activeOnlineMigrations(x.conn)).toEqual([
    { version: VERSION, name: NAME, phase: 'swapped', schema: SCHEMA },
  ]);
  expect((await x.admin.query(`SELECT full_name FROM users WHERE id = 7`)).rows).toEqual([
    { full_name: 'F7 L7' },
  ]);
  // Written after the swap, through the new version: reaches the kept old table.
  const [m] = await next.q(`INSERT INTO users (full_name) VALUES ('After Swap') RETURNING id`);
  await next.q(`UPDATE users SET full_name = 'Re Named' WHERE id = 11`);
  expect(await count(x, 'public.users')).toBe(await count(x, 'public._sluice_old_users'));

  await abortOnline(c);
  await abortOnline(c);
  expect(await fingerprint(x)).toBe(before);
  const back = await x.admin.query(
    `SELECT first_name, last_name FROM users WHERE id = ANY($1::int[]) ORDER BY id`,
    [[11, m?.id]],
  );
  expect(back.rows).toEqual([
    { first_name: 'Re', last_name: 'Named' },
    { first_name: 'After', last_name: 'Swap' },
  ]);
  expect(await count(x, 'public.users')).toBe(5000 + 2 - 2 + 1);
});

test('complete, then complete --drop-old removes the old table; the sequence survives', async () => {
  const x = await setup();
  const c = ctx(x);
  await startOnline(c);
  await completeOnline(c);
  await completeOnline({ ...c, dropOld: true });
  expect(await activeOnlineMigrations(x.conn)).toEqual([]);
  expect((await x.admin.query(`SELECT to_regclass('public._sluice_old_users') AS t`)).rows).toEqual([
    { t: null },
  ]);
  const r = await x.admin.query(`INSERT INTO users (full_name) VALUES ('Seq Ok') RETURNING id`);
  expect(Number(r.rows[0].id)).toBe(5001);
  const trg = await x.admin.query(`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal`);
  expect(trg.rows).toEqual([]);
  const idx = await x.admin.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'users'`);
  expect(idx.rows).toEqual([{ indexname: 'users_pkey' }]);
});

test("a later online migration drops a swapped table's old copy", async () => {
  const x = await setup();
  await startOnline(ctx(x));
  await completeOnline(ctx(x));
  const next = x.ctx('20240303000000', 'more', (op) => [op.addColumn('users', 'nick', { type: 'text' })]);
  await startOnline(next);
  expect((await x.admin.query(`SELECT to_regclass('public._sluice_old_users') AS t`)).rows).toEqual([
    { t: null },
  ]);
  await completeOnline(next);
  expect((await x.admin.query(`SELECT nick FROM users WHERE id = 1`)).rows).toEqual([{ nick: null }]);
});
