/**
 * The pure parts of the backfill engine: the exact SQL of a batch, pacing, spec checks, plan
 * summaries, the lag wait and the progress bar. No database.
 */
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { validateSpec } from '../../src/online/backfill/catalog.js';
import { sameSpec } from '../../src/online/backfill/checkpoint.js';
import {
  backoffMs,
  nextBatchSize,
  nextTargetMs,
  pauseAfterBatch,
  rate,
  sleep,
} from '../../src/online/backfill/pacing.js';
import { postgresBackfill } from '../../src/online/backfill/postgres/index.js';
import { summarizePlan } from '../../src/online/backfill/postgres/plan.js';
import {
  batchStatement,
  nextKeyStatement,
  remainingKeysStatement,
} from '../../src/online/backfill/postgres/statements.js';
import { createProgressBar, shortCount, shortDuration } from '../../src/online/backfill/progress-bar.js';
import { waitForReplicas } from '../../src/online/backfill/replication.js';
import { cleanSpec, settings } from '../../src/online/backfill/settings.js';
import type { BackfillProgress, BackfillSpec, ResolvedSpec } from '../../src/online/backfill/types.js';
import { pickPacing } from '../../src/runner/operations-step.js';
import { postgresQuoting, render } from '../../src/sql/tag.js';

const update: ResolvedSpec = {
  spec: {
    id: 'm1:users',
    mode: 'update',
    table: { schema: 'public', name: 'users' },
    set: { email_address: 'lower(email)' },
    where: 'email_address IS NULL',
  },
  keyTable: { schema: 'public', name: 'users' },
  keyColumns: ['id'],
};

const copy: ResolvedSpec = {
  spec: {
    id: 'm2:copy',
    mode: 'copy',
    source: { schema: 'app', name: 'orders' },
    target: { schema: 'app', name: 'orders_v2' },
    columns: { tenant: 'tenant', n: 'n', total: 'amount * 100' },
  },
  keyTable: { schema: 'app', name: 'orders' },
  keyColumns: ['tenant', 'n'],
};

describe('backfill SQL', () => {
  it('writes a single-key batch as a constant key range, with the checkpoint in the same statement', () => {
    const q = render(
      batchStatement(update, 'sluice', { lastKey: ['41'], hiKey: ['541'], keys: 500, batchSize: 500 }),
      postgresQuoting,
    );
    expect(q.text).toMatchInlineSnapshot(`
      "WITH sluice_cp AS (
        SELECT 1 FROM "sluice"."backfill_checkpoints"
         WHERE id = $1 AND status <> 'done' AND last_key IS NOT DISTINCT FROM $2::text[]
           FOR UPDATE
      ), sluice_rows AS (
        UPDATE "public"."users" SET "email_address" = (lower(email))
         WHERE "public"."users"."id" > $3 AND "public"."users"."id" <= $4 AND (email_address IS NULL)
           AND EXISTS (SELECT 1 FROM sluice_cp)
        RETURNING 1
      ), sluice_done AS (
        UPDATE "sluice"."backfill_checkpoints"
           SET last_key = $5::text[], rows_done = rows_done + $6,
               rows_written = rows_written + (SELECT count(*) FROM sluice_rows),
               batches = batches + 1, batch_size = $7, updated_at = clock_timestamp()
         WHERE id = $8 AND EXISTS (SELECT 1 FROM sluice_cp)
         RETURNING last_key, rows_done, rows_written, batches
      )
      SELECT (SELECT last_key FROM sluice_done) AS last_key, (SELECT rows_done FROM sluice_done) AS rows_done,
             (SELECT rows_written FROM sluice_done) AS rows_written, (SELECT batches FROM sluice_done) AS batches,
             sluice_locks.waiters, sluice_locks.busy
        FROM (SELECT count(*) FILTER (WHERE NOT l.granted AND l.locktype = 'transactionid'
                       AND l.transactionid = pg_catalog.pg_current_xact_id_if_assigned()::xid)::int AS waiters,
                     count(DISTINCT l.pid) FILTER (WHERE l.locktype = 'virtualxid' AND l.pid <> pg_catalog.pg_backend_pid()
                       AND coalesce(a.backend_type, 'client backend') = 'client backend')::int AS busy
                FROM pg_catalog.pg_locks l
                JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
               WHERE a.datid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
                 AND EXISTS (SELECT 1 FROM sluice_done)) sluice_locks"
    `);
    expect(q.values).toEqual(['m1:users', ['41'], '41', '541', ['541'], 500, 500, 'm1:users']);
  });

  it('starts the first batch with no lower bound', () => {
    const q = render(
      batchStatement(update, 'st', { lastKey: null, hiKey: ['9'], keys: 9, batchSize: 10 }),
      postgresQuoting,
    );
    expect(q.text).toContain('WHERE "public"."users"."id" <= $3 AND (email_address IS NULL)');
    expect(q.text).toContain('last_key IS NOT DISTINCT FROM $2::text[]');
    expect(q.values.slice(0, 3)).toEqual(['m1:users', null, '9']);
  });

  it('copies with a composite key as a row comparison plus a scalar range on the leading column', () => {
    const q = render(
      batchStatement(copy, 'sluice', { lastKey: ['a', '7'], hiKey: ['b', '3'], keys: 100, batchSize: 100 }),
      postgresQuoting,
    );
    expect(q.text).toContain(`INSERT INTO "app"."orders_v2" ("tenant", "n", "total") OVERRIDING SYSTEM VALUE
  SELECT (tenant), (n), (amount * 100)
    FROM "app"."orders"
   WHERE "app"."orders"."tenant" >= $3 AND "app"."orders"."tenant" <= $4 AND ("app"."orders"."tenant", "app"."orders"."n") > ($5, $6) AND ("app"."orders"."tenant", "app"."orders"."n") <= ($7, $8)
     AND EXISTS (SELECT 1 FROM sluice_cp)
  ON CONFLICT DO NOTHING
  RETURNING 1`);
    expect(q.values.slice(0, 8)).toEqual(['m2:copy', ['a', '7'], 'a', 'b', 'a', '7', 'b', '3']);
  });

  it('finds the end of a batch by an ordered walk of the key, and counts what is left', () => {
    expect(render(nextKeyStatement(copy, null, ['z', '99'], 1000), postgresQuoting)).toEqual({
      text: `SELECT ARRAY["tenant"::text, "n"::text] AS key FROM "app"."orders"
 WHERE "app"."orders"."tenant" <= $1 AND ("app"."orders"."tenant", "app"."orders"."n") <= ($2, $3)
 ORDER BY "tenant", "n" OFFSET $4 LIMIT 1`,
      values: ['z', 'z', '99', 999],
    });
    expect(render(remainingKeysStatement(update, ['5'], ['10']), postgresQuoting).text).toBe(
      'SELECT count(*)::int AS n FROM "public"."users" WHERE "public"."users"."id" > $1 AND "public"."users"."id" <= $2',
    );
  });

  it('refuses keys of the wrong arity', () => {
    expect(() =>
      batchStatement(copy, 's', { lastKey: ['a'], hiKey: ['b', '1'], keys: 1, batchSize: 1 }),
    ).toThrow(/arity/);
  });
});

describe('backfill pacing', () => {
  const limits = { targetBatchMs: 50, minBatchSize: 10, maxBatchSize: 50_000 };
  it('moves the batch size toward the target duration, at most x2 up and x0.5 down', () => {
    expect(nextBatchSize(1000, 1000, 25, limits)).toBe(2000);
    expect(nextBatchSize(1000, 1000, 5, limits)).toBe(2000);
    expect(nextBatchSize(1000, 1000, 40, limits)).toBe(1250);
    expect(nextBatchSize(1000, 1000, 100, limits)).toBe(500);
    expect(nextBatchSize(1000, 1000, 5000, limits)).toBe(500);
    expect(nextBatchSize(40_000, 40_000, 1, limits)).toBe(50_000);
    expect(nextBatchSize(12, 12, 1000, limits)).toBe(10);
  });
  it('keeps the size after a short final batch', () => {
    expect(nextBatchSize(1000, 3, 1, limits)).toBe(1000);
    expect(nextBatchSize(1000, 0, 1, limits)).toBe(1000);
  });
  it('halves the aimed duration per batch that blocked a session, and doubles it back per 2 s of clear batches', () => {
    const t = { targetBatchMs: 50, minTargetBatchMs: 10 };
    expect(nextTargetMs(50, 1, 50, t)).toBe(25);
    expect(nextTargetMs(25, 3, 25, t)).toBe(12.5);
    expect(nextTargetMs(12.5, 1, 12, t)).toBe(10);
    expect(nextTargetMs(10, 0, 2000, t)).toBe(20);
    expect(nextTargetMs(10, 0, 1000, t)).toBeCloseTo(14.14, 2);
    expect(nextTargetMs(40, 0, 2000, t)).toBe(50);
    expect(nextTargetMs(50, 0, 50, t)).toBe(50);
    expect(nextTargetMs(20, 0, -5, t)).toBe(20);
    // 200 clear batches of 10 ms (2 s) double the aim: per batch it grows by 2^(1/200).
    let ms = 10;
    for (let i = 0; i < 200; i++) ms = nextTargetMs(ms, 0, 10, t);
    expect(ms).toBeCloseTo(20, 6);
  });
  it('yields its own duration after a batch while other sessions were busy in the last second', () => {
    const s = { pauseMs: 0, yieldRatio: 1 };
    expect(pauseAfterBatch({ elapsedMs: 12, busyAgoMs: 0 }, s)).toBe(12);
    expect(pauseAfterBatch({ elapsedMs: 12, busyAgoMs: 999 }, s)).toBe(12);
    expect(pauseAfterBatch({ elapsedMs: 12, busyAgoMs: 1000 }, s)).toBe(0);
    expect(pauseAfterBatch({ elapsedMs: 12, busyAgoMs: null }, s)).toBe(0);
    expect(pauseAfterBatch({ elapsedMs: 12, busyAgoMs: 0 }, { pauseMs: 0, yieldRatio: 2.5 })).toBe(30);
    expect(pauseAfterBatch({ elapsedMs: 12, busyAgoMs: 0 }, { pauseMs: 0, yieldRatio: 0 })).toBe(0);
    // pauseMs is a floor, not added on top.
    expect(pauseAfterBatch({ elapsedMs: 12, busyAgoMs: 0 }, { pauseMs: 20, yieldRatio: 1 })).toBe(20);
    expect(pauseAfterBatch({ elapsedMs: 12, busyAgoMs: null }, { pauseMs: 20, yieldRatio: 1 })).toBe(20);
    expect(pauseAfterBatch({ elapsedMs: 40, busyAgoMs: 5 }, { pauseMs: 20, yieldRatio: 1 })).toBe(40);
  });
  it('backs off exponentially with jitter, capped', () => {
    expect([1, 2, 3, 10].map((n) => backoffMs(n, () => 0.5))).toEqual([50, 100, 200, 5000]);
    expect(backoffMs(1, () => 0)).toBe(25);
    expect(backoffMs(1, () => 0.999)).toBe(75);
  });
  it('retries lock timeouts, deadlocks and serialization failures only', () => {
    const isRetryable = (error: unknown) => postgresBackfill.errorInfo(error).retryable;
    expect(['55P03', '40P01', '40001'].map((code) => isRetryable({ code }))).toEqual([true, true, true]);
    expect([{ code: '23505' }, new Error('x'), null, 'x'].map(isRetryable)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
  it('computes rate and ETA from this run only', () => {
    expect(rate(0, 1000, 10)).toEqual({ rowsPerSecond: 0, etaMs: null });
    expect(rate(5000, 2000, 10_000)).toEqual({ rowsPerSecond: 2500, etaMs: 4000 });
  });
  it('fills defaults and clamps sizes', () => {
    expect(settings({})).toMatchObject({
      targetBatchMs: 50,
      minTargetBatchMs: 25,
      yieldRatio: 2,
      initialBatchSize: 1000,
      minBatchSize: 10,
      maxBatchSize: 50_000,
      pauseMs: 0,
      lockTimeoutMs: 2000,
      maxRetries: 8,
      synchronousCommit: false,
      stateSchema: 'sluice',
    });
    expect(settings({ targetBatchMs: 5 }).minTargetBatchMs).toBe(5);
    expect(settings({ initialBatchSize: 5, minBatchSize: 20, maxBatchSize: 10 })).toMatchObject({
      minBatchSize: 20,
      maxBatchSize: 20,
      initialBatchSize: 20,
    });
  });
  it('sleeps until aborted', async () => {
    const ac = new AbortController();
    const slept = sleep(60_000, ac.signal);
    ac.abort();
    await expect(slept).resolves.toBeUndefined();
  });
});

describe('db.backfill() pacing', () => {
  it('passes known numeric options through', () => {
    expect(pickPacing(undefined, 'm.ts:3')).toEqual({});
    expect(pickPacing({ pauseMs: 20, yieldRatio: 0, targetBatchMs: undefined }, 'm.ts:3')).toEqual({
      pauseMs: 20,
      yieldRatio: 0,
    });
  });
  it.each([
    ['x', /m\.ts:3: db\.backfill\(\) pacing must be an object/],
    [[1], /must be an object/],
    [{ pausems: 20 }, /unknown option pausems/],
    [{ pauseMs: '20' }, /pauseMs must be a number >= 0, not "20"/],
    [{ yieldRatio: -1 }, /yieldRatio must be a number >= 0, not -1/],
    [{ targetBatchMs: Number.NaN }, /targetBatchMs must be a number/],
  ])('refuses %j, naming the call', (pacing, message) => {
    expect(() => pickPacing(pacing, 'm.ts:3')).toThrow(message);
  });
});

describe('backfill specs', () => {
  const ok: BackfillSpec = {
    id: 'a',
    mode: 'update',
    table: { schema: 'public', name: 't' },
    set: { b: 'c' },
  };
  it.each([
    [null, /must be an object/],
    [{ ...ok, id: ' ' }, /non-empty string id/],
    [{ ...ok, mode: 'merge' }, /mode must be 'update' or 'copy'/],
    [{ ...ok, table: { schema: 'public' } }, /table must be/],
    [{ ...ok, set: { b: '' } }, /at least one column/],
    [{ ...ok, set: [] }, /at least one column/],
    [{ ...ok, where: '' }, /where must be/],
    [{ id: 'a', mode: 'copy', source: ok.table, columns: { a: 'a' } }, /source and target/],
  ])('refuses %j', (spec, message) => {
    expect(() => validateSpec(spec)).toThrow(message);
  });
  it('accepts a valid spec and compares specs regardless of key order or stray fields', () => {
    expect(() => validateSpec(ok)).not.toThrow();
    const reordered = {
      set: { b: 'c' },
      table: { name: 't', schema: 'public' },
      mode: 'update',
      id: 'a',
    } as BackfillSpec;
    expect(sameSpec(ok, reordered)).toBe(true);
    expect(sameSpec(ok, { ...ok, where: 'x' })).toBe(false);
    expect(cleanSpec({ ...ok, extra: 1 } as BackfillSpec)).toEqual(ok);
  });
});

describe('backfill plan summary', () => {
  const node = (type: string, extra: Record<string, unknown> = {}) => ({
    'Node Type': type,
    'Relation Name': 'users',
    Schema: 'public',
    'Plan Rows': 10,
    ...extra,
  });
  const plan = (...nodes: unknown[]) => nodes.map((Plan) => ({ Plan }));
  const pk = { 'Index Name': 'users_pkey', 'Index Cond': '(id > 1)' };
  it('accepts index and bitmap range scans of the primary key', () => {
    const p = plan(
      node('Index Only Scan', pk),
      node('ModifyTable', {
        Plans: [node('Bitmap Heap Scan', { Plans: [{ 'Node Type': 'Bitmap Index Scan', ...pk }] })],
      }),
    );
    expect(summarizePlan(p, update, 'users_pkey')).toMatchObject({
      keyRange: true,
      joins: [],
      scans: [
        { nodeType: 'Index Only Scan', indexName: 'users_pkey' },
        { nodeType: 'Bitmap Heap Scan', indexName: 'users_pkey' },
      ],
    });
  });
  it('rejects a sequential scan, another index, or a join', () => {
    expect(summarizePlan(plan(node('Seq Scan')), update, 'users_pkey').keyRange).toBe(false);
    expect(
      summarizePlan(plan(node('Index Scan', { ...pk, 'Index Name': 'other' })), update, 'users_pkey')
        .keyRange,
    ).toBe(false);
    const join = { 'Node Type': 'Hash Join', Plans: [node('Seq Scan'), node('Index Scan', pk)] };
    expect(summarizePlan(plan(join), update, 'users_pkey')).toMatchObject({
      keyRange: false,
      joins: ['Hash Join'],
    });
  });
  it('ignores joins that do not read the walked table (the read of pg_locks and pg_stat_activity)', () => {
    const catalog = (name: string) => ({ 'Node Type': 'Function Scan', 'Function Name': name });
    const locks = {
      'Node Type': 'Hash Join',
      Plans: [catalog('pg_lock_status'), { 'Node Type': 'Hash', Plans: [catalog('pg_stat_get_activity')] }],
    };
    expect(
      summarizePlan(
        plan(node('Index Only Scan', pk), { 'Node Type': 'Aggregate', Plans: [locks] }),
        update,
        'users_pkey',
      ),
    ).toMatchObject({ keyRange: true, joins: [] });
  });
});

describe('backfill replication wait', () => {
  it('polls until the lag is within the limit, reporting each pause', async () => {
    const lags = [900, 500, 100, 5];
    const paused: number[] = [];
    await waitForReplicas(async () => lags.shift() ?? 0, 100, { pollMs: 1, onPause: (l) => paused.push(l) });
    expect(paused).toEqual([900, 500]);
    expect(lags).toEqual([5]);
  });
  it('returns when aborted', async () => {
    const ac = new AbortController();
    let polls = 0;
    await waitForReplicas(
      async () => {
        if (++polls === 3) ac.abort();
        return 1e9;
      },
      0,
      { pollMs: 1, signal: ac.signal },
    );
    expect(polls).toBe(3);
  });
});

describe('backfill progress bar', () => {
  const event = (p: Partial<BackfillProgress>): BackfillProgress => ({
    id: 'm1:users',
    state: 'batch',
    rowsDone: 0,
    rowsTotal: 2_000_000,
    rowsWritten: 0,
    batches: 0,
    retries: 0,
    batchSize: 1000,
    targetBatchMs: 50,
    waiters: 0,
    busySessions: 0,
    pauseMs: 0,
    rowsPerSecond: 0,
    etaMs: null,
    lastKey: null,
    ...p,
  });
  it('draws rows, rows/s and ETA on a terminal, and stops on done', () => {
    let out = '';
    const stream = Object.assign(
      new Writable({
        write(chunk, _enc, cb) {
          out += String(chunk);
          cb();
        },
      }),
      { isTTY: true, columns: 160 },
    );
    // cli-progress redraws on its own timer: fake time lets each event be drawn before the next.
    vi.useFakeTimers();
    try {
      const bar = createProgressBar(stream);
      bar(event({ state: 'start' }));
      bar(event({ rowsDone: 500_000, rowsPerSecond: 250_000, etaMs: 6000, batches: 10 }));
      vi.advanceTimersByTime(1000);
      bar(event({ rowsDone: 600_000, rowsPerSecond: 90_000, etaMs: 9000, busySessions: 3, pauseMs: 20 }));
      vi.advanceTimersByTime(1000);
      bar(event({ rowsDone: 700_000, rowsPerSecond: 80_000, etaMs: 9000, waiters: 1, busySessions: 1 }));
      vi.advanceTimersByTime(1000);
      bar(event({ state: 'paused', rowsDone: 500_000, replicationLagBytes: 80_000_000 }));
      vi.advanceTimersByTime(1000);
      bar(
        event({ state: 'done', rowsDone: 2_000_000, rowsTotal: 2_000_000, rowsPerSecond: 240_000, etaMs: 0 }),
      );
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    expect(out).toContain('backfill m1:users');
    expect(out).toContain('500k/2.0M rows | 250k rows/s | ETA 6s');
    expect(out).toContain('ETA 9s | yielding to 3 busy sessions');
    expect(out).toContain('ETA 9s | 1 waiting on its rows: shorter batches');
    expect(out).toContain('paused: replica 80.0MB behind');
    expect(out).toContain('100% | 2.0M/2.0M rows');
  });
  it('formats counts and durations briefly', () => {
    expect([12, 12_345, 1_234_567, 3e9].map(shortCount)).toEqual(['12', '12k', '1.2M', '3.0G']);
    expect([null, 900, 65_000, 3_725_000].map(shortDuration)).toEqual(['?', '1s', '1m05s', '1h02m']);
  });
});
