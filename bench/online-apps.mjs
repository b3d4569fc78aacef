/**
 * Applications during online phases, on the real PostgreSQL server: an old-version and a
 * new-version application (test/helpers/live-app.ts: a pool of 4 connections each, reads, inserts
 * and updates at a steady rate) run through `up`, `complete`, `abort`, a replaceTable swap and an
 * abort after the swap. Printed per phase and application: operations, errors, p99 and max
 * latency (from each operation's scheduled start), beside a no-migration baseline of the same run;
 * then every committed write is checked (lost, wrong).
 *
 *   npm run build && node bench/online-apps.mjs
 *
 * A phase's window runs from its start to 1 s after it returns, so the operations queued behind a
 * lock and the catch-up after it count. Targets: 0 errors, 0 lost or wrong writes. The p99 figures
 * have no target (they are figures to compare with the baseline); the applications run in this
 * process, so the phases' own JavaScript (the backfill engine) is in their latencies too.
 *
 * Environment: SLUICE_BENCH_PG_URL (admin URL), BENCH_LOCK_TIMEOUT_MS (default 3000, the config
 * default; PostgreSQL's deadlock_timeout is 1 s), BENCH_RATE (operations per second and
 * application, default 200), BENCH_STRICT=1 to exit 1 on a miss.
 */
import { performance } from 'node:perf_hooks';
import { createJiti } from 'jiti';
import { PgDriver } from '../dist/dialects/postgres/pg-driver.js';
import { defineMigration } from '../dist/migrations/types.js';
import { abortOnline, completeOnline, startOnline, versionSchemaName } from '../dist/online/index.js';
import { freshDatabase } from './fresh-db.mjs';

const ADMIN_URL =
  process.env.SLUICE_BENCH_PG_URL ??
  process.env.SLUICE_TEST_PG_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const LOCK_TIMEOUT_MS = Number(process.env.BENCH_LOCK_TIMEOUT_MS ?? 3000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const ROWS = 100_000;
const WARMUP_MS = 1000;
const BASELINE_MS = 5000;
const AFTER_MS = 1000;
// The live application is the tests' helper (TypeScript), loaded the way sluice loads migrations.
const { startLiveApp, percentile } = await createJiti(import.meta.url).import('../test/helpers/live-app.ts');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const misses = [];

const columns = (op) => [
  op.alterColumn('accounts', 'balance', { type: 'bigint' }),
  op.addIndex('accounts', ['owner'], { name: 'accounts_owner_idx' }),
];
const swap = (op) => [
  op.replaceTable('accounts', {
    columns: [
      { name: 'id', type: 'bigint', nullable: false },
      { name: 'owner', type: 'text', nullable: false },
      { name: 'balance', type: 'bigint', nullable: false },
      { name: 'note', type: 'text' },
    ],
    primaryKey: ['id'],
  }),
];
const SCENARIOS = [
  { name: 'columns', ops: columns, phases: ['up', 'complete'] },
  { name: 'columns', ops: columns, phases: ['up', 'abort'] },
  { name: 'replaceTable', ops: swap, phases: ['up', 'swap', 'abort-after-swap'] },
];
const RUN = {
  up: startOnline,
  complete: completeOnline,
  swap: completeOnline,
  'abort-after-swap': abortOnline,
  abort: abortOnline,
};

function line(app, phase, lat, errors, base) {
  const p99 = percentile(lat, 99);
  const ratio = base === undefined ? '' : `  (${(p99 / base).toFixed(2)}x baseline)`;
  const ok = errors === 0;
  if (!ok) misses.push(`${app} ${phase}: ${errors} errors`);
  console.log(
    `  ${ok ? 'PASS' : 'MISS'}  ${app.padEnd(4)} ${phase.padEnd(17)} ${String(lat.length).padStart(6)} ops  ${String(errors).padStart(3)} errors (target 0)  p99 ${p99.toFixed(1).padStart(7)} ms  max ${Math.max(
      0,
      ...lat,
    )
      .toFixed(1)
      .padStart(7)} ms${ratio}`,
  );
}

async function scenario(s, index) {
  const db = await freshDatabase(ADMIN_URL, `sluice_bench_online_apps_${index}`);
  const driver = new PgDriver(db.url);
  const apps = [];
  try {
    await db.client.query(
      'CREATE TABLE accounts (id serial PRIMARY KEY, owner text NOT NULL, balance int NOT NULL, note text)',
    );
    await db.client.query('CREATE TABLE audit (id serial PRIMARY KEY, what text)');
    await db.client.query(
      `INSERT INTO accounts (owner, balance, note) SELECT 'seed' || g, g, NULL FROM generate_series(1, ${ROWS}) g`,
    );
    await db.client.query('VACUUM ANALYZE accounts');
    const version = `2025010100000${index}`;
    const conn = await driver.connect();
    const events = [];
    const ctx = {
      conn,
      version,
      name: s.name.toLowerCase(),
      definition: defineMigration({ online: true, operations: s.ops }),
      lockTimeoutMs: LOCK_TIMEOUT_MS,
      lockRetries: 10,
      onEvent: (e) => events.push(e),
    };
    const app = (name, searchPath, seed) =>
      startLiveApp({
        url: db.url,
        name,
        searchPath,
        table: 'accounts',
        columns: { owner: (n) => `${name}-${n}`, balance: (n) => (n * 7919) % 100_000, note: (n) => `n${n}` },
        connections: 4,
        rate: RATE,
        seed,
      });
    apps.push(app('old', ['sluice_base', 'public'], 11 + index));
    apps.push(app('new', [versionSchemaName(version, ctx.name), 'public'], 12 + index));
    // The pools' first connections and the server's first plans are not the baseline.
    for (const a of apps) a.phase('warm-up');
    await sleep(WARMUP_MS);
    for (const a of apps) a.phase('baseline');
    await sleep(BASELINE_MS);
    const took = {};
    for (const phase of s.phases) {
      for (const a of apps) a.phase(phase);
      const t0 = performance.now();
      await RUN[phase](ctx);
      took[phase] = performance.now() - t0;
      await sleep(AFTER_MS);
      for (const a of apps) a.phase(`after ${phase}`);
    }
    const reports = [];
    for (const a of apps) reports.push(await a.stop());
    console.log(
      `\n${s.name}: ${s.phases.map((p) => `${p} ${(took[p] / 1000).toFixed(2)} s`).join(', ')}; lock attempts ${events.filter((e) => e.type === 'lock-retry').length} retried`,
    );
    for (const r of reports) {
      const base = r.latencies.get('baseline') ?? [];
      line(r.name, 'baseline', base, r.errors.filter((e) => e.phase === 'baseline').length);
      for (const phase of s.phases) {
        const lat = r.latencies.get(phase) ?? [];
        line(r.name, phase, lat, r.errors.filter((e) => e.phase === phase).length, percentile(base, 99));
      }
      for (const e of r.errors.slice(0, 3))
        console.log(`        ${e.phase} ${e.op}: ${e.code ?? ''} ${e.message}`);
    }
    for (const [i, a] of apps.entries()) {
      const v = await a.verify(db.url);
      const ok = v.lost.length === 0 && v.wrong.length === 0;
      if (!ok) misses.push(`${reports[i].name}: ${v.lost.length} lost, ${v.wrong.length} wrong`);
      console.log(
        `  ${ok ? 'PASS' : 'MISS'}  ${reports[i].name.padEnd(4)} committed writes checked ${v.checked}: ${v.lost.length} lost, ${v.wrong.length} wrong (target 0)`,
      );
    }
    apps.length = 0;
    await conn.close();
  } finally {
    for (const a of apps) await a.stop().catch(() => {});
    await driver.close();
    await db.drop();
  }
}

console.log(
  `online phases under two live applications (4 connections, ${RATE} ops/s each): ${ROWS.toLocaleString('en-US')} rows, lockTimeout ${LOCK_TIMEOUT_MS} ms`,
);
try {
  for (const [i, s] of SCENARIOS.entries()) await scenario(s, i + 1);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
if (misses.length) console.log(`\nmissed: ${misses.join('; ')}`);
if (process.env.BENCH_STRICT === '1' && misses.length) process.exitCode = 1;
