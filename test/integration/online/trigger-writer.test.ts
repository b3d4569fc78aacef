/**
 * Who the dual-write triggers think is writing, and what they call for whom. The writer is the
 * first schema of the session's effective search_path, however the session set it; each version's
 * trigger function runs for that version's writes only, and not at all for updates that change
 * nothing its expressions read.
 */
import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { type Harness, harness, startOnline, versionSchemaName } from './harness.js';

let h: Harness | undefined;
const clients: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  await h?.close();
  h = undefined;
});

const VERSION = '20240909000000';
const NEW = versionSchemaName(VERSION, 'tenths');

/** `score` becomes a bigint in tenths: old writes fill `_sluice_score` (up), new writes fill `score` (down). */
async function started(): Promise<Harness> {
  h = await harness();
  await h.admin.query(`CREATE TABLE users (id int PRIMARY KEY, score int, note text)`);
  await h.admin.query(`INSERT INTO users VALUES (1, 1, 'a'), (2, 2, 'b')`);
  await startOnline(
    h.ctx(VERSION, 'tenths', (op) => [
      op.alterColumn('users', 'score', {
        type: 'bigint',
        up: 'score::bigint * 10',
        down: '(score / 10)::int',
      }),
    ]),
  );
  return h;
}

async function client(x: Harness, options?: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: x.db.url, ...(options ? { options } : {}) });
  await c.connect();
  clients.push(c);
  return c;
}

/**
 * Which version the triggers took `c` for. The row is written to the physical table by its
 * qualified name, so only the search path differs: the old version's trigger computes the new
 * column (50), the new version's computes the old one from the new column it was not given (NULL).
 */
async function writerOf(c: pg.Client, id: number): Promise<'old' | 'new'> {
  await c.query(`INSERT INTO public.users (id, score) VALUES ($1, 5)`, [id]);
  const { rows } = await c.query(`SELECT score, _sluice_score FROM public.users WHERE id = $1`, [id]);
  if (rows[0].score === 5 && rows[0]._sluice_score === '50') return 'old';
  if (rows[0].score === null && rows[0]._sluice_score === null) return 'new';
  throw new Error(`neither version's trigger ran: ${JSON.stringify(rows[0])}`);
}

/** The definition the triggers used before (`(current_schemas(false))[1]`), for the same session. */
async function firstSchemaIsNew(c: pg.Client): Promise<boolean> {
  const { rows } = await c.query(`SELECT (current_schemas(false))[1] IS NOT DISTINCT FROM $1 AS n`, [NEW]);
  return rows[0].n;
}

test('the writer is the first schema of the effective search_path, however the session set it', async () => {
  const x = await started();
  const cases: [string, string[], 'old' | 'new', string?][] = [
    ['quoted, as searchPathStatement writes it', [`SET search_path TO "${NEW}"`], 'new'],
    ['unquoted', [`SET search_path TO ${NEW}`], 'new'],
    ['unquoted capitals fold to lower case', [`SET search_path TO ${NEW.toUpperCase()}`], 'new'],
    ['quoted capitals name no schema: skipped', [`SET search_path TO "${NEW.toUpperCase()}"`], 'old'],
    ['a string value with spaces', [`SELECT set_config('search_path', '  ${NEW} ,  public ', false)`], 'new'],
    ['a schema that does not exist comes first: skipped', [`SET search_path TO nowhere, ${NEW}`], 'new'],
    ['$user without a schema of that name: skipped', [`SET search_path TO "$user", ${NEW}`], 'new'],
    ['public first', [`SET search_path TO public, "${NEW}"`], 'old'],
    ['pg_catalog named first', [`SET search_path TO pg_catalog, "${NEW}"`], 'old'],
    ['empty', [`SET search_path TO ''`], 'old'],
    ['the default path', [], 'old'],
    ['the old version schema', [`SET search_path TO sluice_base`], 'old'],
    ['a connection option', [], 'new', `-c search_path=${NEW},public`],
  ];
  let id = 100;
  for (const [label, setup, expected, options] of cases) {
    const c = await client(x, options);
    for (const s of setup) await c.query(s);
    id++;
    expect({ label, writer: await writerOf(c, id) }).toEqual({ label, writer: expected });
    expect({ label, before: await firstSchemaIsNew(c) }).toEqual({ label, before: expected === 'new' });
  }
  // $user naming a schema that exists: that schema is first, so the writer is the old version.
  const { rows } = await x.admin.query('SELECT current_user AS u');
  await x.admin.query(`CREATE SCHEMA "${rows[0].u}"`);
  const c = await client(x);
  await c.query(`SET search_path TO "$user", ${NEW}`);
  expect(await writerOf(c, ++id)).toBe('old');
  expect(await firstSchemaIsNew(c)).toBe(false);
  // SET LOCAL lasts for its transaction only.
  await c.query('BEGIN');
  await c.query(`SET LOCAL search_path TO "${NEW}"`);
  expect(await writerOf(c, ++id)).toBe('new');
  await c.query('COMMIT');
  expect(await writerOf(c, ++id)).toBe('old');
});

test("each version's trigger function is called for its own writes only", async () => {
  const x = await started();
  const calls = async (c: pg.Client) => {
    const { rows } = await c.query(
      `SELECT funcname, calls::int FROM pg_stat_xact_user_functions WHERE funcname LIKE '\\_sluice\\_%' ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.funcname.split('_')[2], r.calls]));
  };
  const old = await client(x);
  const next = await client(x);
  await next.query(`SET search_path TO "${NEW}"`);
  for (const c of [old, next]) await c.query(`SET track_functions = 'pl'`);
  await old.query('BEGIN');
  await old.query(`INSERT INTO users (id, score) VALUES (10, 1)`);
  await old.query(`UPDATE users SET score = score + 1 WHERE id IN (1, 2)`);
  await old.query(`UPDATE users SET note = 'x'`); // changes no column an expression reads
  expect(await calls(old)).toEqual({ up: 3 });
  await old.query('COMMIT');
  await next.query('BEGIN');
  await next.query(`INSERT INTO users (id, score) VALUES (11, 10)`);
  await next.query(`UPDATE users SET score = 30 WHERE id = 1`);
  await next.query(`UPDATE users SET note = 'y' WHERE id = 2`);
  expect(await calls(next)).toEqual({ down: 2 });
  await next.query('COMMIT');
  const { rows } = await x.admin.query(`SELECT id, score, _sluice_score, note FROM users ORDER BY id`);
  expect(rows).toEqual([
    { id: 1, score: 3, _sluice_score: '30', note: 'x' },
    { id: 2, score: 3, _sluice_score: '30', note: 'y' },
    { id: 10, score: 1, _sluice_score: '10', note: 'x' },
    { id: 11, score: 1, _sluice_score: '10', note: null },
  ]);
});

test('the installed functions read the written row in place, without copying columns into variables', async () => {
  const x = await started();
  const { rows } = await x.admin.query(
    `SELECT p.proname, p.prosrc FROM pg_proc p WHERE p.proname LIKE '\\_sluice\\_%' ORDER BY p.proname`,
  );
  expect(rows.map((r) => r.prosrc.trim())).toEqual([
    'BEGIN\n  NEW."score" := ((NEW."_sluice_score" / 10)::int);\n  RETURN NEW;\nEND',
    'BEGIN\n  NEW."_sluice_score" := (NEW."score"::bigint * 10);\n  RETURN NEW;\nEND',
  ]);
});
