/**
 * The backfill engine on the real server only: batch plans stay primary-key range scans, lock
 * timeouts are retried, and batches pause while replicas lag.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config/url.js';
import type { Connection, Driver } from '../../src/dialects/dialect.js';
import { createDriver } from '../../src/dialects/index.js';
import {
  type BackfillProgress,
  type BackfillSpec,
  explainBatch,
  pendingBackfills,
  runBackfill,
} from '../../src/online/backfill/index.js';
import { catchError, makeUsers, touchedCounts, users } from '../helpers/backfill.js';
import { createPgDatabase, pgClient, type TestDatabase } from '../helpers/databases.js';

describe('backfill on postgres (server only)', () => {
  let db: TestDatabase;
  let driver: Driver;
  let conn: Connection;
  beforeEach(async () => {
    db = await createPgDatabase('bf');
    driver = await createDriver(parseDatabaseUrl(db.url));
    conn = await driver.connect();
  });
  afterEach(async () => {
    await driver.close();
    await db.drop();
  });

  it.each([10_000, 100_000])(
    'keeps each batch an index range scan of the primary key at %i rows',
    async (rows) => {
      await makeUsers(conn, rows);
      await conn.query('ANALYZE users');
      for (const lastKey of [null, [String(rows / 2)], [String(rows - 10)]]) {
        // Batches a tenth of the table or less: a batch as large as a small table may rightly be a seq scan.
        for (const batchSize of [100, rows / 20, rows / 10]) {
          const plan = await explainBatch(conn, users('plan'), { lastKey, batchSize });
          expect(plan.joins).toEqual([]);
          expect(plan.keyRange).toBe(true);
          // Two reads of the table: the walk to the batch's last key, and the write up to it.
          expect(plan.scans.map((s) => s.indexName)).toEqual(['users_pkey', 'users_pkey']);
          expect(plan.scans.map((s) => s.nodeType)).not.toContain('Seq Scan');
          expect(plan.scans[1]?.indexCond).toMatch(/users\.id <= '\d+'::bigint/);
        }
      }
    },
  );

  it('plans a composite key as a row comparison on the index', async () => {
    await conn.query('CREATE TABLE t (a int, b int, v int, PRIMARY KEY (a, b))');
    await conn.query(
      'INSERT INTO t SELECT a, b, 0 FROM generate_series(1, 100) a, generate_series(1, 200) b',
    );
    await conn.query('ANALYZE t');
    const spec: BackfillSpec = {
      id: 'p',
      mode: 'update',
      table: { schema: 'public', name: 't' },
      set: { v: '1' },
    };
    const plan = await explainBatch(conn, spec, { lastKey: ['50', '7'], batchSize: 5000 });
    expect(plan.keyRange).toBe(true);
    expect(plan.scans[1]?.indexCond).toMatch(/ROW\(t\.a, t\.b\) > ROW\(50, 7\)/);
  });

  it('retries a batch that hits lock_timeout, and fails cleanly without retries', async () => {
    await makeUsers(conn, 200);
    const blocker = await driver.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT * FROM users WHERE id = 1 FOR UPDATE');
    const failed = await catchError(runBackfill(conn, users('locked'), { lockTimeoutMs: 20, maxRetries: 0 }));
    expect(failed).toMatchObject({ code: 'backfill-failed', details: { sqlState: '55P03' } });
    expect((await pendingBackfills(conn))[0]).toMatchObject({ status: 'failed', rowsDone: 0 });
    expect((await pendingBackfills(conn))[0]?.lastError).toMatch(/lock timeout/);

    // Release the row once the backfill has been seen waiting and has certainly timed out (20 ms).
    const release = (async () => {
      for (;;) {
        const waiting = await blocker.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
        );
        if (waiting.rows[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 300));
      await blocker.query('COMMIT');
    })();
    const result = await runBackfill(conn, users('locked'), { lockTimeoutMs: 20, maxRetries: 20 });
    await release;
    expect(result.retries).toBeGreaterThanOrEqual(1);
    expect(result).toMatchObject({ rows: 200, resumed: true });
    expect(await touchedCounts(conn)).toEqual({ 1: 200 });
    // The session settings of the batches are the connection's own again.
    const after = await conn.query<{ lt: string; sc: string }>(
      "SELECT current_setting('lock_timeout') AS lt, current_setting('synchronous_commit') AS sc",
    );
    expect(after.rows[0]).toEqual({ lt: '0', sc: 'on' });
  });

  it('counts the sessions its batch blocked, halves the duration it aims at, and yields to busy sessions', async () => {
    await makeUsers(conn, 300);
    // One batch of all 300 rows that sleeps 0.4 s at id 200: rows 1..199 are written and locked by then.
    const spec = users('waiters', {
      set: { touched: 'touched + 1 + (CASE WHEN id = 200 THEN (SELECT 0 FROM pg_sleep(0.4)) ELSE 0 END)' },
    });
    const app = await driver.connect();
    const events: BackfillProgress[] = [];
    const running = runBackfill(conn, spec, { initialBatchSize: 1000, onProgress: (p) => events.push(p) });
    for (;;) {
      const sleeping = await app.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()",
      );
      if (sleeping.rows[0]!.n > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    // An application write to a row the batch already holds waits for the batch to commit.
    const write = app.query("UPDATE users SET email = 'app@example.com' WHERE id = 10");
    const result = await running;
    await write;
    await app.close();
    expect(result).toMatchObject({ rows: 300, batches: 1 });
    const batch = events.find((e) => e.state === 'batch');
    expect(batch).toMatchObject({ waiters: 1, targetBatchMs: 25 });
    // The waiting session is inside a transaction too: the backfill yields as long as the batch took
    // (0.4 s and more). Only sessions of this test's database count.
    expect(batch?.busySessions).toBeGreaterThanOrEqual(1);
    expect(batch?.pauseMs).toBeGreaterThanOrEqual(400);
    expect(events[0]).toMatchObject({ state: 'start', waiters: 0, targetBatchMs: 50 });
    expect(await touchedCounts(conn)).toEqual({ 1: 300 });
  });

  it('counts busy sessions of its own database only: one idle in a transaction elsewhere does not slow it', async () => {
    await makeUsers(conn, 3000);
    // A neighbour database on the same server, with a session left idle inside a transaction.
    const other = await createPgDatabase('bfother');
    const neighbour = await pgClient(other.url);
    const batches = async (id: string) => {
      const events: BackfillProgress[] = [];
      const spec = users(id);
      await runBackfill(conn, spec, {
        // Six batches of 500 whatever the machine's speed.
        initialBatchSize: 500,
        minBatchSize: 500,
        maxBatchSize: 500,
        onProgress: (p) => events.push(p),
      });
      return events.filter((e) => e.state === 'batch');
    };
    try {
      await neighbour.query('BEGIN');
      await neighbour.query('SELECT 1');
      const elsewhere = await batches('neighbour-busy');
      expect(elsewhere.length).toBe(6);
      // Not counted, so no yield: every sleep is the configured pauseMs (0).
      expect(elsewhere.map((e) => [e.busySessions, e.pauseMs])).toEqual(elsewhere.map(() => [0, 0]));

      // The same kind of session in the backfill's own database is counted, and the backfill yields.
      const app = await pgClient(db.url);
      try {
        await app.query('BEGIN');
        await app.query('SELECT 1');
        const here = await batches('own-busy');
        expect(here.length).toBe(6);
        expect(here.every((e) => e.busySessions === 1)).toBe(true);
        expect(here.slice(0, -1).every((e) => e.pauseMs > 0)).toBe(true);
        await app.query('COMMIT');
      } finally {
        await app.end();
      }
      await neighbour.query('COMMIT');
    } finally {
      await neighbour.end();
      await other.drop();
    }
    expect(await touchedCounts(conn)).toEqual({ 2: 3000 });
  });

  it('pauses while replicas lag beyond the limit', async () => {
    await makeUsers(conn, 300);
    const lags = [5_000_000, 2_000_000, 10];
    const events: BackfillProgress[] = [];
    const result = await runBackfill(conn, users('lag'), {
      initialBatchSize: 1000,
      maxReplicationLagBytes: 1_000_000,
      replicationPollMs: 1,
      replicationLag: async () => lags.shift() ?? 0,
      onProgress: (p) => events.push(p),
    });
    expect(result.rows).toBe(300);
    expect(events.map((e) => [e.state, e.replicationLagBytes])).toEqual([
      ['start', undefined],
      ['paused', 5_000_000],
      ['paused', 2_000_000],
      ['batch', undefined],
      ['done', undefined],
    ]);
    // Without standbys, pg_stat_replication reports no lag: the backfill runs straight through.
    const plain = await runBackfill(conn, users('lag2', { where: 'false' }), { maxReplicationLagBytes: 0 });
    expect(plain).toMatchObject({ rows: 0, batches: 1 });
  });
});
