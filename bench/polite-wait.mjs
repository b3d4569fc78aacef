// A reader's worst extra wait behind sluice's DDL, with the default settings (lockTimeout 250 ms,
// retries with backoff and jitter). A long transaction holds the table, so sluice's ALTER TABLE
// queues for its ACCESS EXCLUSIVE lock, and every reader arriving meanwhile queues behind it; a
// reader's wait is therefore bounded by how long sluice waits before it backs off. Target: the
// worst reader latency stays within lockTimeout + 50 ms. Anchor, same run: the same migration with
// the former default (lockTimeout 3 s).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createMigrator } from '../dist/index.js';
import { freshDatabase } from './fresh-db.mjs';

const ADMIN = process.env.SLUICE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const HOLD_MS = 3_500;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(lockTimeout) {
  const { url, client, drop } = await freshDatabase(ADMIN, 'sluice_bench_polite');
  try {
    await client.query(
      'CREATE TABLE t (id bigint PRIMARY KEY, v text); INSERT INTO t SELECT g, g::text FROM generate_series(1, 1000) g',
    );
    const dir = mkdtempSync(join(tmpdir(), 'sluice-polite-'));
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', '1_add.sql'), '-- migrate:up\nALTER TABLE t ADD COLUMN x int;\n');
    const config = { database: url, migrations: 'migrations', ...(lockTimeout ? { lockTimeout } : {}) };
    const migrator = await createMigrator({ cwd: dir, config });

    // A long transaction that read the table: it holds ACCESS SHARE until it ends.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN; SELECT count(*) FROM t');

    const reader = new pg.Client({ connectionString: url });
    await reader.connect();
    const latencies = [];
    let reading = true;
    const reads = (async () => {
      while (reading) {
        const t0 = performance.now();
        await reader.query('SELECT v FROM t WHERE id = 42');
        latencies.push(performance.now() - t0);
        await sleep(10);
      }
    })();
    await sleep(200);
    const started = performance.now();
    const applying = migrator.up();
    await sleep(HOLD_MS);
    await holder.query('COMMIT');
    await applying;
    const appliedMs = performance.now() - started;
    await sleep(200);
    reading = false;
    await reads;
    await Promise.all([holder.end(), reader.end(), migrator.close()]);
    latencies.sort((a, b) => a - b);
    return {
      worst: latencies[latencies.length - 1],
      p99: latencies[Math.floor(latencies.length * 0.99)],
      reads: latencies.length,
      appliedMs,
    };
  } finally {
    await drop();
  }
}

const fmt = (n) => `${n.toFixed(1)} ms`;
const polite = await measure(undefined);
const former = await measure('3s');
const target = 250 + 50;
console.log('\n== reader behind sluice DDL (bench/polite-wait.mjs): a transaction holds the table for 3.5 s');
console.log(
  `default lockTimeout 250 ms: worst reader wait ${fmt(polite.worst)} (p99 ${fmt(polite.p99)}, ${polite.reads} reads), target <= ${target} ms: ${polite.worst <= target ? 'MET' : 'NOT MET'}; migration applied after ${fmt(polite.appliedMs)}`,
);
console.log(
  `anchor, same run, former default lockTimeout 3 s: worst reader wait ${fmt(former.worst)} (p99 ${fmt(former.p99)})`,
);
