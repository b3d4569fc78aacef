// The cost of sluice's own dual-write trigger (not a stand-in): an online addColumn with an `up`
// expression is expanded on a 1M-row table, then a bulk UPDATE runs with the trigger installed and,
// on a fresh copy, without it. Two kinds of bulk update: one that touches a column the expression
// reads (the trigger computes the new column for every row) and one that does not (the trigger's
// WHEN clause skips it). Best of two rounds each.
import pg from 'pg';
import { PgDriver } from '../dist/dialects/postgres/pg-driver.js';
import { defineMigration } from '../dist/index.js';
import { abortOnline, startOnline } from '../dist/online/index.js';

const ADMIN = process.env.SLUICE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_TRIGGER_ROWS ?? 1_000_000);
const DB = 'sluice_bench_trigger';

const admin = new pg.Client({ connectionString: ADMIN });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
await admin.query(`CREATE DATABASE "${DB}"`);
const url = new URL(ADMIN);
url.pathname = `/${DB}`;
const client = new pg.Client({ connectionString: url.toString() });
await client.connect();

const definition = defineMigration({
  online: true,
  operations: (op) => [op.addColumn('users', { name: 'email_address', type: 'text', up: 'lower(email)' })],
});

async function makeTable() {
  await client.query('DROP TABLE IF EXISTS users CASCADE');
  await client.query('DROP SCHEMA IF EXISTS sluice CASCADE');
  await client.query('CREATE TABLE users (id bigint PRIMARY KEY, email text, payload text)');
  await client.query(
    `INSERT INTO users SELECT g, 'User' || g || '@X', md5(g::text) FROM generate_series(1, ${ROWS}) g`,
  );
  await client.query('VACUUM ANALYZE users');
}

async function timed(update, withTrigger) {
  await makeTable();
  let conn;
  let ctx;
  if (withTrigger) {
    conn = await new PgDriver(url.toString()).connect();
    ctx = { conn, version: '1', name: 'bench', definition, lockTimeoutMs: 5000, lockRetries: 5 };
    await startOnline(ctx); // expand, trigger, backfill: every row has its new column
    // The backfill rewrote every row: vacuum, so both runs start from a table without dead rows.
    await client.query('VACUUM ANALYZE users');
  }
  const t0 = performance.now();
  await client.query(update);
  const ms = performance.now() - t0;
  if (ctx) {
    await abortOnline(ctx);
    await conn.close();
  }
  return ms;
}

console.log(`\n== sluice's dual-write trigger, bulk UPDATE of ${ROWS.toLocaleString('en-US')} rows ==`);
for (const [label, update] of [
  ['updating a column the up expression reads (email)', 'UPDATE users SET email = upper(email)'],
  ['updating another column (payload)', 'UPDATE users SET payload = upper(payload)'],
]) {
  let plain = Number.POSITIVE_INFINITY;
  let trig = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 2; round++) {
    plain = Math.min(plain, await timed(update, false));
    trig = Math.min(trig, await timed(update, true));
  }
  const ratio = trig / plain;
  console.log(
    `  ${ratio <= 1.5 ? 'PASS' : 'MISS'}  ${label.padEnd(52)} ${trig.toFixed(0)} / ${plain.toFixed(0)} ms = ${ratio.toFixed(2)}x   target <= 1.5x`,
  );
}
await client.end();
await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
await admin.end();
