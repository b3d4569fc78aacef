// Where the cost of a dual-write trigger goes on a bulk UPDATE (`node bench/trigger-anatomy.mjs`;
// not part of `npm run bench`). The same UPDATE (`SET email = upper(email)`, every row) runs on
// identical freshly copied tables, each with one BEFORE UPDATE trigger variant, from nothing to the
// shape sluice generates for `addColumn(email_address, up: 'lower(email)')`. Each variant adds one
// thing to the one before, so the differences between lines are the price of each piece. These are
// hand-written stand-ins; `bench/trigger.mjs` measures sluice's real trigger.
import { freshDatabase } from './fresh-db.mjs';

const ADMIN = process.env.SLUICE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_TRIGGER_ROWS ?? 500_000);
const ROUNDS = Number(process.env.BENCH_TRIGGER_ROUNDS ?? 3);
const DB = 'sluice_bench_trigger_anatomy';

const CHANGED = 'NEW.email IS DISTINCT FROM OLD.email OR NEW.email_address IS NULL';
const WRITER = "current_schema() IS DISTINCT FROM 'sluice_v2'";
const ASSIGN = 'BEGIN NEW.email_address := (lower(NEW.email)); RETURN NEW; END';
/** [label, trigger SQL or null]; `f` is the variant's function. */
const VARIANTS = [
  ['no trigger', null],
  [
    'a trigger that never fires: WHEN (false) (the row lock)',
    'WHEN (false) EXECUTE FUNCTION f()',
    'BEGIN RETURN NEW; END',
  ],
  [
    'a C trigger: suppress_redundant_updates_trigger()',
    'EXECUTE FUNCTION suppress_redundant_updates_trigger()',
  ],
  ['an empty PL/pgSQL trigger: RETURN NEW', 'EXECUTE FUNCTION f()', 'BEGIN RETURN NEW; END'],
  ['+ assigns a constant', 'EXECUTE FUNCTION f()', "BEGIN NEW.email_address := 'x'; RETURN NEW; END"],
  ['+ computes it: lower(NEW.email)', 'EXECUTE FUNCTION f()', ASSIGN],
  ['+ WHEN an input changed or the target is NULL', `WHEN (${CHANGED}) EXECUTE FUNCTION f()`, ASSIGN],
  [
    "+ AND the writer is the old version (sluice's shape)",
    `WHEN ((${CHANGED}) AND ${WRITER}) EXECUTE FUNCTION f()`,
    ASSIGN,
  ],
];

const { client: db, drop } = await freshDatabase(ADMIN, DB);
await db.query(
  `CREATE TABLE source AS SELECT g::bigint AS id, 'User' || g || '@X' AS email, md5(g::text) AS payload,
     lower('User' || g || '@X') AS email_address FROM generate_series(1, ${ROWS}) g`,
);

async function timed([, trigger, body]) {
  await db.query('DROP TABLE IF EXISTS users');
  await db.query('CREATE TABLE users AS SELECT * FROM source');
  await db.query('ALTER TABLE users ADD PRIMARY KEY (id)');
  await db.query('VACUUM ANALYZE users');
  await db.query('CHECKPOINT');
  if (body)
    await db.query(`CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ ${body} $$`);
  if (trigger) await db.query(`CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW ${trigger}`);
  const t0 = performance.now();
  await db.query('UPDATE users SET email = upper(email)');
  return performance.now() - t0;
}

const runs = VARIANTS.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < VARIANTS.length; i++) runs[i].push(await timed(VARIANTS[i]));
}
const best = runs.map((r) => Math.min(...r));
const base = best[0];
console.log(
  `\n== anatomy of a BEFORE UPDATE dual-write trigger, UPDATE of ${ROWS.toLocaleString('en-US')} rows (best of ${ROUNDS}) ==`,
);
for (let i = 0; i < VARIANTS.length; i++) {
  const step =
    i === 0
      ? ''
      : `  (${best[i] - best[i - 1] >= 0 ? '+' : ''}${(((best[i] - best[i - 1]) / base) * 100).toFixed(0)} % of the bare UPDATE)`;
  console.log(
    `  ${VARIANTS[i][0].padEnd(60)} ${best[i].toFixed(0).padStart(6)} ms  ${(best[i] / base).toFixed(2)}x${step}`,
  );
}
console.log(`  runs (ms): ${runs.map((r) => r.map((ms) => ms.toFixed(0)).join('/')).join(' | ')}`);
await drop();
