/**
 * kill -9 in the exact windows where a dead runner's work is still running on the server: the
 * runner is killed while the server executes its statement (seen in pg_stat_activity), and the
 * next `sluice up` starts at once. Each case checks a side effect (a counter, an index), never
 * the history table alone. The seeded random kills of `exactly-once.test.ts` cover the rest.
 */

import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Project, tempProject } from '../helpers/cli.js';
import { createPgDatabase, pgClient, type TestDatabase } from '../helpers/databases.js';
import { runAndKill } from '../helpers/faults.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill -9 while the server still runs the dead runner’s statement (real server)', () => {
  let db: TestDatabase;
  let project: Project;
  let observer: pg.Client;
  beforeEach(async () => {
    db = await createPgDatabase('killwin');
    project = tempProject('sluice-killwin-');
    observer = await pgClient(db.url);
    observer.on('error', () => {});
    await observer.query(`CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL);
      INSERT INTO counter VALUES (1, 0);
      CREATE TABLE items (id bigint PRIMARY KEY, k int NOT NULL);
      INSERT INTO items SELECT g, g % 100 FROM generate_series(1, 5000) g;
      -- No autovacuum on it: its lock would hold up the index builds whose timing the tests control.
      ALTER TABLE items SET (autovacuum_enabled = off);`);
  });
  afterEach(async () => {
    await observer.end().catch(() => {});
    await db.drop();
    project.remove();
  });

  const up = ['up', '--dir', 'migrations', '--allow-unsafe'];
  const env = () => ({ DATABASE_URL: db.url });
  /**
   * Starts `sluice up` and kills it once the server runs a statement matching `pattern` (anchored
   * at the statement's start: sluice's own in-flight record quotes the statement it is about to run).
   */
  async function killDuring(pattern: string, after?: () => Promise<void>): Promise<void> {
    const waitAndKill = async (child: { kill(signal: NodeJS.Signals): boolean }) => {
      for (let i = 0; i < 2000; i++) {
        const r = await observer.query(
          // This database only: other test files run their own index builds on the same server.
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()",
          [pattern],
        );
        if ((r.rowCount ?? 0) > 0) break;
        await sleep(10);
      }
      child.kill('SIGKILL');
    };
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [BIN, ...up], {
      cwd: project.dir,
      env: { ...process.env, ...env() },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitAndKill(child);
    await exited;
    await after?.();
  }
  const rerun = () => runAndKill(up, { cwd: project.dir, env: env(), observer, killAfterMs: null });
  const counter = async () => (await observer.query('SELECT n FROM counter')).rows[0].n as number;
  const history = async () =>
    (await observer.query('SELECT version, status FROM sluice_migrations ORDER BY version')).rows;

  test('a transactional migration the dead runner sent is not applied again by the next one', async () => {
    project.write(
      'migrations/20240101000001_bump.sql',
      '-- migrate:up\nUPDATE counter SET n = n + 1 WHERE id = 1;\nSELECT pg_sleep(2);\n',
    );
    await killDuring('%pg_sleep(2)%');
    const next = await rerun();
    expect(next.code, next.stderr).toBe(0);
    expect(await counter()).toBe(1);
    expect(await history()).toEqual([{ version: '20240101000001', status: 'applied' }]);
  });

  test('outside a transaction, the statement that was running is neither lost nor repeated', async () => {
    project.write(
      'migrations/20240101000001_bump.sql',
      `-- migrate:up transaction:false
UPDATE counter SET n = n + 1 FROM (SELECT pg_sleep(2)) AS slow WHERE id = 1;
UPDATE counter SET n = n + 10 WHERE id = 1;
`,
    );
    await killDuring('%pg_sleep(2)%');
    const next = await rerun();
    expect(next.code, next.stderr).toBe(0);
    expect(await counter()).toBe(11);
  });

  for (const kind of ['sql', 'typed'] as const) {
    const write = () =>
      kind === 'sql'
        ? project.write(
            'migrations/20240101000001_index.sql',
            '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY items_k_idx ON items (k);\nUPDATE counter SET n = n + 1 WHERE id = 1;\n',
          )
        : project.write(
            'migrations/20240101000001_index.ts',
            "import { defineMigration } from 'sluice';\nexport default defineMigration({\n  async up(db) {\n    await db.addIndex('items', ['k']);\n    await db.sql`UPDATE counter SET n = n + 1 WHERE id = 1`;\n  },\n});\n",
          );
    const validity = async () =>
      (
        await observer.query(
          "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('items_k_idx')",
        )
      ).rows;

    test(`${kind}: a concurrent index build that finished after the kill is recognised, not built again`, async () => {
      write();
      // An old snapshot makes the build wait (it waits for older transactions, without lock_timeout).
      const blocker = await pgClient(db.url);
      await blocker.query('BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM counter');
      await killDuring('CREATE INDEX CONCURRENTLY%', () => blocker.query('COMMIT').then(() => blocker.end()));
      const next = await rerun();
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr, next.stderr).toMatch(/index items_k_idx was built/);
      expect(await validity()).toEqual([{ valid: true }]);
      expect(await counter()).toBe(1);
    });

    test(`${kind}: an index build cut off half-way leaves an invalid index, which is dropped and built again`, async () => {
      write();
      const blocker = await pgClient(db.url);
      await blocker.query('BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM counter');
      await killDuring('CREATE INDEX CONCURRENTLY%', async () => {
        // The orphaned build dies before it finishes (as when the server cancels it), once its
        // index exists in the catalog; the timeout makes the call wait until the backend is gone.
        for (let i = 0; i < 3000 && (await validity()).length === 0; i++) await sleep(10);
        await observer.query(
          "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND pid <> pg_backend_pid()",
        );
        await blocker.query('COMMIT');
        await blocker.end();
      });
      expect(await validity()).toEqual([{ valid: false }]);
      const next = await rerun();
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr, next.stderr).toMatch(/left invalid/);
      expect(await validity()).toEqual([{ valid: true }]);
      expect(await counter()).toBe(1);
    });
  }

  test('a statement whose outcome the catalog cannot tell is refused with what to do (exit 3)', async () => {
    project.write(
      'migrations/20240101000001_index.sql',
      '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY ON items (k);\n',
    );
    const blocker = await pgClient(db.url);
    await blocker.query('BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM counter');
    await killDuring('CREATE INDEX CONCURRENTLY%', () => blocker.query('COMMIT').then(() => blocker.end()));
    const next = await rerun();
    expect(next.code).toBe(3);
    expect(next.stderr).toMatch(/was running outside a transaction when the previous run stopped/);
    expect(next.stderr).toMatch(/name the index/);
    expect(next.stderr).not.toMatch(/\n\s+at /);
  });
});
