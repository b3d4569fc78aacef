/**
 * Lock discipline on a larger table: while start and complete run, a concurrent session keeps
 * writing single rows; none of its writes may stall for long, and every strong-lock transaction
 * sluice runs must be short. Bounds here are generous on purpose (CI machines are noisy): the strict
 * figures (ACCESS EXCLUSIVE under 50 ms on 10M rows) are measured by bench/online.mjs.
 */
import { afterEach, expect, test } from 'vitest';
import { completeOnline, type Harness, harness, startOnline } from './harness.js';

const ROWS = 200_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

test('writers never wait long and strong locks are held briefly', { timeout: 180_000 }, async () => {
  h = await harness();
  const x = h;
  await x.admin.query(
    `CREATE TABLE users (id bigserial PRIMARY KEY, email text, age int, first_name text, last_name text, phone text, legacy_flag boolean NOT NULL DEFAULT true)`,
  );
  await x.admin.query(
    `INSERT INTO users (email, age, first_name, last_name, phone) SELECT 'u' || g, g % 90, 'F' || g, 'L' || g, NULL FROM generate_series(1, ${ROWS}) g`,
  );
  await x.admin.query('VACUUM ANALYZE users');
  const writer = await x.session('public');
  let running = true;
  let maxStallMs = 0;
  let writes = 0;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await writer.q(`UPDATE users SET age = age WHERE id = $1`, [1 + Math.floor(Math.random() * ROWS)]);
      // Columns that exist in both shapes, so the same statement works before and after complete.
      await writer.q(`INSERT INTO users (first_name, last_name, phone) VALUES ('a', 'b', 'p')`);
      maxStallMs = Math.max(maxStallMs, performance.now() - t0);
      writes++;
    }
  })();
  const ctx = {
    ...x.ctx('20240606000000', 'locks', (op) => [
      op.renameColumn('users', 'email', 'email_address'),
      op.alterColumn('users', 'age', { type: 'bigint' }),
      op.addColumn('users', 'full_name', { type: 'text', up: "first_name || ' ' || last_name" }),
      op.alterColumn('users', 'phone', { nullable: false, up: "coalesce(phone, '')" }),
      op.dropColumn('users', 'legacy_flag', { down: 'false' }),
      op.addIndex('users', ['full_name'], { name: 'users_full_name_idx' }),
    ]),
    lockTimeoutMs: 200,
  };
  try {
    await startOnline(ctx);
    await completeOnline(ctx);
    if (process.env.SLUICE_LOCK_LOG)
      console.log(
        x.events.filter((e) => e.type === 'lock').map((e) => e.message),
        { maxStallMs, writes },
      );
  } finally {
    running = false;
    await loop;
  }
  const held = x.events
    .filter((e) => e.type === 'lock')
    .map((e) => Number(/held ([\d.]+) ms/.exec(e.message)?.[1]));
  expect(held.length).toBeGreaterThanOrEqual(3);
  expect(writes).toBeGreaterThan(50);
  expect(Math.max(...held)).toBeLessThan(1000);
  expect(maxStallMs).toBeLessThan(1500);
  const nulls = await x.admin.query(
    `SELECT count(*)::int AS n FROM users WHERE phone IS NULL OR (full_name IS NULL AND id <= ${ROWS})`,
  );
  expect(nulls.rows).toEqual([{ n: 0 }]);
});
