/**
 * Lock behaviour on the real server (PGlite has one session, so it cannot show contention):
 * ten runners started together, CREATE INDEX CONCURRENTLY under waiting runners, lock timeouts
 * that retry instead of blocking a table's readers behind a long transaction.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationFailedError } from '../../src/errors.js';
import { createPgDatabase, pgClient, type TestDatabase } from '../helpers/databases.js';
import { createProject, sqlMigration, type TestProject } from '../helpers/project.js';

const BIN = resolve('dist/cli/bin.js');

function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('runner lock and lock timeouts on the real server', () => {
  let db: TestDatabase;
  let project: TestProject;
  const clients: pg.Client[] = [];

  beforeEach(async () => {
    db = await createPgDatabase('lock');
    project = createProject(db.url);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => {});
    project.cleanup();
    await db.drop();
  });

  it('ten runners started together apply each migration exactly once, with no errors', async () => {
    project.write(
      '1_log.sql',
      sqlMigration('CREATE TABLE applied_log (version text);\nINSERT INTO applied_log VALUES (1);'),
    );
    project.write(
      '2_slow.sql',
      sqlMigration(
        "SELECT pg_sleep(0.4);\nINSERT INTO applied_log VALUES ('2');\nCREATE TABLE items (id int);",
      ),
    );
    // A concurrent index build waits for older snapshots: waiting runners must not hold one.
    project.write(
      '3_index.sql',
      sqlMigration(
        "CREATE INDEX CONCURRENTLY items_id ON items (id);\nINSERT INTO applied_log VALUES ('3');",
        'DROP INDEX items_id;',
        {
          upTx: false,
        },
      ),
    );
    project.write('4_last.sql', sqlMigration("INSERT INTO applied_log VALUES ('4');"));
    const runs = await Promise.all(
      Array.from({ length: 10 }, () =>
        runCli(['up', '--url', db.url, '--dir', project.migrationsDir], project.dir),
      ),
    );
    for (const r of runs) expect(r, r.stderr).toMatchObject({ code: 0 });
    const client = await pgClient(db.url);
    clients.push(client);
    const log = await client.query(
      'SELECT version, count(*)::int AS n FROM applied_log GROUP BY version ORDER BY version',
    );
    expect(log.rows).toEqual([
      { version: '1', n: 1 },
      { version: '2', n: 1 },
      { version: '3', n: 1 },
      { version: '4', n: 1 },
    ]);
    const history = await client.query('SELECT version FROM sluice_migrations ORDER BY version');
    expect(history.rows.map((r) => r.version)).toEqual(['1', '2', '3', '4']);
    const index = await client.query(
      "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_id'::regclass",
    );
    expect(index.rows).toEqual([{ indisvalid: true }]);
    // Exactly one runner applied everything; the others waited, named the holder, and found nothing to do.
    expect(runs.filter((r) => r.stdout.includes('Applied 4 migration(s).'))).toHaveLength(1);
    expect(runs.filter((r) => r.stdout.includes('Nothing to apply'))).toHaveLength(9);
    expect(runs.some((r) => /Waiting for the migration lock, held by sluice .*pid \d+/.test(r.stderr))).toBe(
      true,
    );
  });

  it('retries a migration after a lock timeout instead of queueing, and readers are not blocked behind it', async () => {
    project.write('1_table.sql', sqlMigration('CREATE TABLE busy (id int);\nINSERT INTO busy VALUES (1);'));
    const m = await project.migrator({ lockTimeout: '150ms', lockRetries: 20 });
    await m.up();
    project.write('2_alter.sql', sqlMigration('ALTER TABLE busy ADD COLUMN note text;'));

    // A long transaction holds a lock that conflicts with ALTER TABLE's ACCESS EXCLUSIVE.
    const holder = await pgClient(db.url);
    const reader = await pgClient(db.url);
    clients.push(holder, reader);
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM busy');

    const migration = m.up();
    // Wait until sluice has timed out at least once, then read the table from a third session:
    // the read must complete while the long transaction still holds its lock.
    await waitFor(() => m.events.some((e) => e.type === 'retry'));
    const rows = await reader.query('SELECT count(*)::int AS n FROM busy');
    expect(rows.rows).toEqual([{ n: 1 }]);
    await holder.query('COMMIT');
    await migration;

    const retries = m.events.filter((e) => e.type === 'retry');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toMatchObject({ type: 'retry', version: '2', attempt: 1 });
    const columns = await reader.query(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'busy' ORDER BY 1",
    );
    expect(columns.rows.map((r) => r.column_name)).toEqual(['id', 'note']);
  });

  it('gives up after the configured retries with the database error and leaves history untouched', async () => {
    project.write('1_table.sql', sqlMigration('CREATE TABLE busy (id int);'));
    const m = await project.migrator({ lockTimeout: '50ms', lockRetries: 2 });
    await m.up();
    project.write('2_alter.sql', sqlMigration('ALTER TABLE busy ADD COLUMN note text;'));
    const holder = await pgClient(db.url);
    clients.push(holder);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE busy IN ACCESS SHARE MODE');
    const error = (await m.up().catch((e: unknown) => e)) as MigrationFailedError;
    await holder.query('ROLLBACK');
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error.details).toMatchObject({ sqlState: '55P03', line: 2 });
    expect(m.events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect((await m.status()).entries.map((e) => e.state)).toEqual(['applied', 'pending']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
