/**
 * Crash safety of the backfill engine on the real server: a child process running a backfill is
 * killed with SIGKILL at a random batch (fixed seeds) and the backfill is resumed; and two runners
 * racing on one backfill. Either way every row must be written exactly once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/dialects/dialect.js';
import { PgDriver } from '../../src/dialects/postgres/pg-driver.js';
import { type BackfillSpec, pendingBackfills, runBackfill } from '../../src/online/backfill/index.js';
import { createPgDatabase, type TestDatabase } from '../helpers/databases.js';
import { runWorkerKilledAtLine } from '../helpers/kill-at-line.js';
import { seededRandom } from '../helpers/seeded.js';

const ROWS = 3000;
const BATCH = 40;

const spec: BackfillSpec = {
  id: 'crash',
  mode: 'update',
  table: { schema: 'public', name: 'items' },
  set: { hits: 'hits + 1', label: "'item ' || id" },
};

async function makeItems(conn: Connection): Promise<void> {
  await conn.query('DROP TABLE IF EXISTS items');
  await conn.query('CREATE TABLE items (id int PRIMARY KEY, hits int NOT NULL DEFAULT 0, label text)');
  // Gaps in the keys: batches must follow the keys that exist, not arithmetic on ids.
  await conn.query(`INSERT INTO items (id) SELECT g * 3 FROM generate_series(1, ${ROWS}) g`);
  await conn.query('DELETE FROM items WHERE id % 7 = 0');
}

async function expectEveryRowOnce(conn: Connection): Promise<void> {
  const res = await conn.query<{ hits: number; n: number; bad: number }>(
    `SELECT hits, count(*)::int AS n, count(*) FILTER (WHERE label IS DISTINCT FROM 'item ' || id)::int AS bad
       FROM items GROUP BY hits`,
  );
  const total = await conn.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
  expect(res.rows).toEqual([{ hits: 1, n: total.rows[0]!.n, bad: 0 }]);
}

/** Runs the worker; kills it `delayMs` after its `killAfterBatch`-th batch line (or lets it finish). */
async function runChildAndKill(
  url: string,
  killAfterBatch: number,
  delayMs: number,
): Promise<{ batchesSeen: number; finished: boolean }> {
  const run = await runWorkerKilledAtLine(
    'test/integration/backfill-crash-worker.ts',
    [url, JSON.stringify(spec), JSON.stringify({ initialBatchSize: BATCH, maxBatchSize: BATCH })],
    { killAfter: killAfterBatch, delayMs, counts: (line) => line.startsWith('batch ') },
  );
  return { batchesSeen: run.counted, finished: run.lines.includes('finished') };
}

describe('backfill crash safety (postgres)', () => {
  let db: TestDatabase;
  let driver: PgDriver;
  let conn: Connection;
  beforeEach(async () => {
    db = await createPgDatabase('bfcrash');
    driver = new PgDriver(db.url);
    conn = await driver.connect();
  });
  afterEach(async () => {
    await driver.close();
    await db.drop();
  });

  it.each([11, 23, 37, 52])(
    'resumes after SIGKILL at a random batch without skipping or repeating a row (seed %i)',
    async (seed) => {
      const random = seededRandom(seed);
      await makeItems(conn);
      const total = (await conn.query<{ n: number }>('SELECT count(*)::int AS n FROM items')).rows[0]!.n;
      const batches = Math.ceil(total / BATCH);
      const killAt = 1 + Math.floor(random() * (batches - 2));
      // 0–20 ms after the batch line: sometimes between batches, sometimes in the middle of a statement.
      const delay = Math.floor(random() * 20);
      const { batchesSeen, finished } = await runChildAndKill(db.url, killAt, delay);
      expect(finished).toBe(false);
      expect(batchesSeen).toBeGreaterThanOrEqual(killAt);

      const [cp] = await pendingBackfills(conn);
      expect(cp).toMatchObject({ id: 'crash', status: 'running' });
      // What the checkpoint says is done is exactly what the table says is done.
      const done = await conn.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE hits = 1');
      expect(done.rows[0]!.n).toBe(cp!.rowsWritten);
      expect(cp!.batches).toBeGreaterThanOrEqual(killAt);

      const result = await runBackfill(conn, spec, { initialBatchSize: BATCH });
      expect(result).toMatchObject({ resumed: true, alreadyDone: false, rows: total });
      await expectEveryRowOnce(conn);
    },
  );

  it('lets two runners race on one backfill without writing a row twice', async () => {
    await makeItems(conn);
    const second = await driver.connect();
    const options = { initialBatchSize: 25, minBatchSize: 25, maxBatchSize: 25 };
    const [a, b] = await Promise.all([runBackfill(conn, spec, options), runBackfill(second, spec, options)]);
    await expectEveryRowOnce(conn);
    const total = (await conn.query<{ n: number }>('SELECT count(*)::int AS n FROM items')).rows[0]!.n;
    expect(a.rows).toBe(total);
    expect(b.rows).toBe(total);
    const [cp] = await pendingBackfills(conn, { all: true });
    expect(cp).toMatchObject({
      status: 'done',
      rowsDone: total,
      rowsWritten: total,
      batches: Math.ceil(total / 25),
    });
  });
});
