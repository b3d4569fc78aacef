/**
 * Crash test: the phases run in a child process that is SIGKILLed at seeded random points (after the
 * n-th event, plus a few milliseconds, so inside transactions, between backfill batches, during index
 * builds and swaps), while this process keeps writing through the old version. Re-running must
 * converge, with every row intact and every derived value right.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { activeOnlineMigrations } from '../../../src/online/index.js';
import { runWorkerKilledAtLine } from '../../helpers/kill-at-line.js';
import { seededRandom } from '../../helpers/seeded.js';
import { fingerprint, type Harness, harness } from './harness.js';
import { tableFingerprint } from './table-fingerprint.js';

// Each test kills and re-runs workers that load sluice through jiti, many times: on a loaded
// 2-core host one test takes 66-129 s (60 s is the suite's default). A harness limit, not a figure.
vi.setConfig({ testTimeout: 300_000 });

const ROWS = 20_000;
const SEEDS = [11, 23, 42];

/** Runs the worker; kills it after `killAfter` events (+ `delayMs`). Resolves how it ended. */
async function runWorker(
  url: string,
  phase: string,
  kind: string,
  killAfter: number | null,
  delayMs: number,
): Promise<{ outcome: 'killed' | 'done'; events: number }> {
  const run = await runWorkerKilledAtLine('test/integration/online/crash-worker.ts', [url, phase, kind], {
    killAfter,
    delayMs,
  });
  return { outcome: run.outcome, events: run.counted };
}

/** Crashes a phase up to `kills` times at random points, then runs it to the end. */
let seedLabel = '';
async function crashThenFinish(
  target: Harness,
  phase: string,
  kind: string,
  rand: () => number,
  maxEvent: number,
  kills = 3,
) {
  const outcomes: string[] = [];
  let range = maxEvent;
  for (let i = 0; i < kills; i++) {
    const at = 1 + Math.floor(rand() * range);
    const run = await runWorker(target.db.url, phase, kind, at, Math.floor(rand() * 25));
    outcomes.push(`${phase}@${at}:${run.outcome}`);
    // A run that finished before the kill point tells how many events a (resumed) run has left.
    if (run.outcome === 'done') range = Math.max(1, run.events);
  }
  await runWorker(target.db.url, phase, kind, null, 0);
  if (process.env.SLUICE_CRASH_LOG) console.log(seedLabel, outcomes.join(' '));
  return outcomes;
}

/** Writes through the old version (plain `public`) until stopped; returns how many rows it added. */
function oldWriter(target: Harness): { stop: () => Promise<number> } {
  let running = true;
  let added = 0;
  let failure: Error | undefined;
  const loop = (async () => {
    const c = await target.session('public');
    let i = 0;
    while (running) {
      i++;
      await c.q(`INSERT INTO users (email, age, first_name, last_name) VALUES ($1, $2, $3, 'X')`, [
        `w${i}@x`,
        i % 90,
        `W${i}`,
      ]);
      added++;
      await c.q(`UPDATE users SET last_name = $2 WHERE id = $1`, [1 + ((i * 7919) % ROWS), `Upd${i}`]);
      await new Promise((r) => setTimeout(r, 3));
    }
  })().catch((error: Error) => {
    failure = error;
  });
  return {
    stop: async () => {
      running = false;
      await loop;
      if (failure) throw new Error(`old-version write failed: ${failure.message}`);
      return added;
    },
  };
}

let current: Harness | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function setup(extras = ''): Promise<Harness> {
  const setUp = await harness();
  current = setUp;
  await setUp.admin.query(
    `CREATE TABLE users (id serial PRIMARY KEY, email text, age int, first_name text NOT NULL, last_name text NOT NULL, phone text)`,
  );
  if (extras) await setUp.admin.query(extras);
  await setUp.admin.query(
    `INSERT INTO users (email, age, first_name, last_name, phone)
       SELECT 'u' || g || '@x', g % 90, 'F' || g, 'L' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'p' || g END FROM generate_series(1, ${ROWS}) g`,
  );
  return setUp;
}

const one = async (target: Harness, text: string) => (await target.admin.query(text)).rows[0];

describe.each(SEEDS)('seed %i', (seed) => {
  test('columns: crashes during start and complete converge', async () => {
    const target = await setup();
    const rand = seededRandom(seed);
    seedLabel = `columns/${seed}`;
    const writer = oldWriter(target);
    const log = await crashThenFinish(target, 'start', 'columns', rand, 40);
    const added = await writer.stop();
    const schema = 'sluice_20240505000000_crash_columns';
    expect(await activeOnlineMigrations(target.conn)).toEqual([
      { version: '20240505000000', name: 'crash_columns', phase: 'active', schema },
    ]);
    const bad = await one(
      target,
      `SELECT count(*)::int AS rows, count(*) FILTER (WHERE n.full_name IS DISTINCT FROM o.first_name || ' ' || o.last_name
          OR n.age IS DISTINCT FROM o.age * 10 OR n.phone IS DISTINCT FROM coalesce(o.phone, 'none') OR n.email_address IS DISTINCT FROM o.email)::int AS bad
         FROM sluice_base.users o FULL JOIN "${schema}".users n ON n.id = o.id`,
    );
    expect({ log, ...bad }).toEqual({ log, rows: ROWS + added, bad: 0 });
    const log2 = await crashThenFinish(target, 'complete', 'columns', rand, 8, 2);
    expect(await activeOnlineMigrations(target.conn)).toEqual([]);
    const after = await one(
      target,
      `SELECT count(*)::int AS rows, count(*) FILTER (WHERE full_name IS DISTINCT FROM first_name || ' ' || last_name)::int AS bad,
              (SELECT is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' AND column_name = 'phone') AS phone_nullable
         FROM public.users`,
    );
    expect({ log2, ...after }).toEqual({ log2, rows: ROWS + added, bad: 0, phone_nullable: 'NO' });
  });

  test('columns: a crashed start, then a crashed abort, restore the schema', async () => {
    const target = await setup();
    const before = await fingerprint(target);
    const rand = seededRandom(seed * 13);
    seedLabel = `abort/${seed}`;
    const writer = oldWriter(target);
    const at = 1 + Math.floor(rand() * 25);
    const first = await runWorker(target.db.url, 'start', 'columns', at, Math.floor(rand() * 25));
    const log = await crashThenFinish(target, 'abort', 'columns', rand, 4, 2);
    const added = await writer.stop();
    expect({ first: first.outcome, log, fp: await fingerprint(target) }).toEqual({
      first: first.outcome,
      log,
      fp: before,
    });
    expect(await one(target, `SELECT count(*)::int AS n FROM users`)).toEqual({ n: ROWS + added });
    expect(await activeOnlineMigrations(target.conn)).toEqual([]);
  });

  test('replaceTable: crashes during copy, swap and abort converge', async () => {
    const target = await setup();
    const before = await fingerprint(target);
    const rand = seededRandom(seed * 7);
    seedLabel = `replace/${seed}`;
    const writer = oldWriter(target);
    const log = await crashThenFinish(target, 'start', 'replace', rand, 40);
    const added = await writer.stop();
    const diff = await one(
      target,
      `SELECT (SELECT count(*) FROM users)::int AS old, (SELECT count(*) FROM _sluice_users)::int AS new,
              (SELECT count(*) FROM users o JOIN _sluice_users n USING (id) WHERE n.full_name IS DISTINCT FROM o.first_name || ' ' || o.last_name)::int AS bad`,
    );
    expect({ log, ...diff }).toEqual({ log, old: ROWS + added, new: ROWS + added, bad: 0 });
    const log2 = await crashThenFinish(target, 'complete', 'replace', rand, 6, 2);
    expect((await activeOnlineMigrations(target.conn)).map((m) => m.phase)).toEqual(['swapped']);
    expect(await one(target, `SELECT count(*)::int AS n FROM users WHERE full_name IS NOT NULL`)).toEqual({
      n: ROWS + added,
    });
    const log3 = await crashThenFinish(target, 'abort', 'replace', rand, 4, 2);
    expect({ log2, log3, fp: await fingerprint(target) }).toEqual({ log2, log3, fp: before });
    expect(await one(target, `SELECT count(*)::int AS n FROM users`)).toEqual({ n: ROWS + added });
  });

  // What replaceTable carries over, on columns the 'replace' migration keeps: an audit trigger
  // (fires once per write), a unique expression index, a partial index, a check, a policy, a comment.
  const CARRIED = `
    CREATE TABLE audit (n bigserial PRIMARY KEY, id bigint NOT NULL);
    CREATE FUNCTION audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO audit (id) VALUES (NEW.id); RETURN NULL; END $$;
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));
    CREATE INDEX users_adult ON users (age) WHERE age >= 18;
    ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);
    ALTER TABLE users ENABLE ROW LEVEL SECURITY;
    CREATE POLICY users_all ON users USING (age IS NOT NULL);
    CREATE TRIGGER users_audit AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION audit_fn();
    COMMENT ON TABLE users IS 'people';`;
  /** The table's objects, without its columns (the migration changes those). */
  const objects = async (target: Harness) =>
    (await tableFingerprint(target.admin, 'public.users')).filter(
      (l) => !l.startsWith('col ') && !l.startsWith('seq '),
    );

  test.runIf(seed === 42)(
    'replaceTable carrying indexes, a check, a trigger, a policy: crashes during start, swap and abort converge',
    async () => {
      const target = await setup(CARRIED);
      const before = await objects(target);
      const rand = seededRandom(seed * 17);
      seedLabel = `carry/${seed}`;
      const writer = oldWriter(target);
      const log = await crashThenFinish(target, 'start', 'replace', rand, 40);
      const added = await writer.stop(); // it writes the old columns, gone from public after the swap
      const log2 = await crashThenFinish(target, 'complete', 'replace', rand, 6, 2);
      const swapped = (await objects(target)).filter((l) => !l.startsWith('trg CREATE TRIGGER _sluice_rev_'));
      const log3 = await crashThenFinish(target, 'abort', 'replace', rand, 4, 2);
      expect({ log, log2, log3, swapped, back: await objects(target) }).toEqual({
        log,
        log2,
        log3,
        swapped: before,
        back: before,
      });
      // Every row, and one audit row each: the trigger fired once per insert through every phase.
      const audit = await one(
        target,
        `SELECT (SELECT count(*) FROM users)::int AS users, count(*)::int AS audited, count(DISTINCT id)::int AS ids FROM audit`,
      );
      expect({ log, ...audit }).toEqual({
        log,
        users: ROWS + added,
        audited: ROWS + added,
        ids: ROWS + added,
      });
    },
    // Seven crashed and resumed runs of a 20,000-row copy: past the default minute on a busy machine.
    180_000,
  );
});
