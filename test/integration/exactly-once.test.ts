/**
 * Exactly once under kill -9. Forty mixed migrations (transactional SQL, `transaction:false` SQL with
 * `CREATE INDEX CONCURRENTLY`, TypeScript with typed operations inside and outside a transaction,
 * data updates) are applied by a `sluice up` that is SIGKILLed at seeded random moments, again and
 * again, then run until it finishes: no manual step in between. The result is compared with a
 * reference database where the same migrations ran once without faults: same schema, same data,
 * every migration recorded once, and every side effect (a counter, a log table) counted once; and a
 * live application that reads and writes throughout loses no write and sees no error.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempProject } from '../helpers/cli.js';
import { createPgDatabase, pgClient, type TestDatabase } from '../helpers/databases.js';
import { runAndKill } from '../helpers/faults.js';
import { startLiveApp } from '../helpers/live-app.js';
import { seededRandom } from '../helpers/seeded.js';

const SEED = Number(process.env.SLUICE_FAULT_SEED ?? 20261203);
const KILLS = 22;
/** Migrations whose bump takes 2.5 s: typed (non-transactional), SQL, SQL outside a transaction, TS. */
const SLOW = new Set([10, 20, 25, 35]);
const pad = (n: number) => String(n).padStart(2, '0');
const version = (n: number) => `202401010000${pad(n)}`;

/** The forty migrations, deterministic. Every one leaves side effects to count. */
function migrationFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  files[`migrations/${version(1)}_base.sql`] = `-- migrate:up
CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL);
INSERT INTO counter VALUES (1, 0);
CREATE TABLE log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, migration text NOT NULL);
CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, k int NOT NULL, v text NOT NULL);
INSERT INTO items (k, v) SELECT g % 977, md5(g::text) FROM generate_series(1, 20000) g;
`;
  for (let i = 2; i <= 40; i++) {
    const v = version(i);
    // Four migrations' bumps are slow, one of each kind, so kills land while the server is still
    // running them: the window in which a dead client's statement can still commit after the client
    // is gone, longer than the next runner takes to start.
    const bump = SLOW.has(i)
      ? `UPDATE counter SET n = n + 1 FROM (SELECT pg_sleep(2.5)) AS slow WHERE id = 1`
      : `UPDATE counter SET n = n + 1 WHERE id = 1`;
    switch (i % 4) {
      case 0:
        files[`migrations/${v}_data_${pad(i)}.sql`] = `-- migrate:up
${bump};
INSERT INTO log (migration) VALUES ('${v}');
ALTER TABLE items ADD COLUMN c${pad(i)} int;
UPDATE items SET c${pad(i)} = k WHERE id % 10 = ${i % 10};
SELECT pg_sleep(0.03);
`;
        break;
      case 1:
        files[`migrations/${v}_index_${pad(i)}.sql`] = `-- migrate:up transaction:false
INSERT INTO log (migration) VALUES ('${v}-a');
CREATE INDEX CONCURRENTLY items_k_${pad(i)}_idx ON items (k, v);
${bump};
INSERT INTO log (migration) VALUES ('${v}-b');
UPDATE items SET v = v || '.' WHERE id = ${i};
`;
        break;
      case 2:
        files[`migrations/${v}_typed_${pad(i)}.ts`] = `import { defineMigration } from 'sluice';
export default defineMigration({
  async up(db) {
    await db.createTable('t${pad(i)}', { id: { type: 'bigint', identity: 'always', primaryKey: true }, note: 'text' });
    await db.addColumn('items', 'tc${pad(i)}', { type: 'int', nullable: true });
    await db.addIndex('items', ['tc${pad(i)}']);
    await db.sql\`INSERT INTO \${db.ident('log')} (migration) VALUES (\${'${v}'})\`;
    await db.sql\`${bump}\`;
    await db.sql\`INSERT INTO \${db.ident('t${pad(i)}')} (note) SELECT v FROM items WHERE id <= ${i}\`;
  },
});
`;
        break;
      default:
        files[`migrations/${v}_tsdata_${pad(i)}.ts`] = `import { defineMigration } from 'sluice';
export default defineMigration({
  async up(db) {
    await db.sql\`${bump}\`;
    await db.sql\`INSERT INTO \${db.ident('log')} (migration) VALUES (\${'${v}'})\`;
    await db.sql\`UPDATE items SET k = k + 1 WHERE id % 7 = ${i % 7}\`;
    await db.sql\`SELECT pg_sleep(0.03)\`;
  },
});
`;
    }
  }
  return files;
}

/** Everything compared between the faulted database and the reference. */
async function snapshot(url: string) {
  const c = await pgClient(url);
  try {
    const q = async (text: string) => (await c.query(text)).rows;
    return {
      columns: await q(`SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity
        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`),
      indexes: await q(`SELECT c.relname, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid, i.indisready
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' ORDER BY 1`),
      counter: await q('SELECT n FROM counter'),
      log: await q('SELECT migration, count(*)::int AS n FROM log GROUP BY 1 ORDER BY 1'),
      items: await q(
        `SELECT count(*)::int AS n, md5(string_agg(i::text, ',' ORDER BY id)) AS digest FROM items i`,
      ),
      typed: await q(
        `SELECT table_name FROM information_schema.tables WHERE table_name ~ '^t[0-9]+$' ORDER BY 1`,
      ),
      history: await q(`SELECT version, status, count(*) OVER (PARTITION BY version)::int AS copies
        FROM sluice_migrations ORDER BY 1`),
    };
  } finally {
    await c.end();
  }
}

describe('exactly once after kill -9 (real server)', () => {
  let reference: TestDatabase;
  let faulted: TestDatabase;
  const project = tempProject('sluice-exactly-once-');
  beforeAll(async () => {
    for (const [path, text] of Object.entries(migrationFiles())) project.write(path, text);
    reference = await createPgDatabase('ref');
    faulted = await createPgDatabase('kill');
    // The application's own table, in both databases; the application runs on the faulted one.
    for (const db of [reference, faulted]) {
      const c = await pgClient(db.url);
      await c.query(
        'CREATE TABLE accounts (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, owner text, balance int)',
      );
      await c.end();
    }
  });
  afterAll(async () => {
    await reference?.drop();
    await faulted?.drop();
    project.remove();
  });

  test(`${KILLS} seeded kills (seed ${SEED}), then re-runs until done: same schema and data as one clean run`, async () => {
    const args = (url: string) => ['up', '--url', url, '--dir', 'migrations', '--allow-unsafe'];
    const observer = await pgClient(faulted.url);
    observer.on('error', () => {});
    try {
      const clean = await runAndKill(args(reference.url), { cwd: project.dir, observer, killAfterMs: null });
      expect(clean.code, clean.stderr.slice(-3000)).toBe(0);

      // A live application reads and writes throughout the kills and re-runs.
      const app = startLiveApp({
        url: faulted.url,
        name: 'app',
        searchPath: ['public'],
        table: 'accounts',
        columns: { owner: (n) => `o${n}`, balance: (n) => n },
        connections: 3,
        rate: 100,
        seed: SEED,
      });
      const rand = seededRandom(SEED);
      const kills: number[] = [];
      let orphans = 0;
      for (let attempt = 0; kills.length < KILLS && attempt < KILLS * 3; attempt++) {
        const delay = Math.floor(rand() * 2500);
        const run = await runAndKill(args(faulted.url), { cwd: project.dir, observer, killAfterMs: delay });
        if (run.outcome === 'killed') {
          kills.push(delay);
          orphans += run.orphans;
          continue;
        }
        // A run that was not killed must succeed on its own: no manual step, ever.
        expect(run.code, run.stderr.slice(-3000)).toBe(0);
      }
      expect(kills.length).toBe(KILLS);
      // The kills must have hit the window that matters: the server still running a dead
      // runner's statement, which could commit after the next runner started.
      console.log(`exactly-once: ${kills.length} kills, ${orphans} left a statement running on the server`);
      expect(orphans).toBeGreaterThanOrEqual(3);
      // Then run until done (a run may still be needed for what the last kill interrupted).
      const last = await runAndKill(args(faulted.url), { cwd: project.dir, observer, killAfterMs: null });
      expect(last.code, last.stderr.slice(-3000)).toBe(0);
      const report = await app.stop();
      expect(report.writes).toBeGreaterThan(0);
      expect(report.errors).toEqual([]);
      const check = await app.verify(faulted.url);
      expect({ lost: check.lost, wrong: check.wrong }).toEqual({ lost: [], wrong: [] });
    } finally {
      await observer.end();
    }

    const expected = await snapshot(reference.url);
    const actual = await snapshot(faulted.url);
    expect(expected.history).toHaveLength(40);
    expect(expected.counter).toEqual([{ n: 39 }]);
    expect(actual.history).toEqual(expected.history);
    expect(actual.counter).toEqual(expected.counter);
    expect(actual.log).toEqual(expected.log);
    expect(actual.items).toEqual(expected.items);
    expect(actual.typed).toEqual(expected.typed);
    expect(actual.columns).toEqual(expected.columns);
    expect(actual.indexes).toEqual(expected.indexes);
  }, 600_000);
});
