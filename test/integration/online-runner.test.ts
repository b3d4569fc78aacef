/**
 * Online migrations and data backfills through the runner on the real server: `up` expands and
 * records the migration as active, `complete` contracts, `abort` restores; `db.backfill()` batches.
 */
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationFileError, RefusedError } from '../../src/errors.js';
import { createPgDatabase, pgClient, type TestDatabase } from '../helpers/databases.js';
import { createProject, sqlMigration, type TestProject } from '../helpers/project.js';

const ts = (body: string) =>
  `import { defineMigration } from 'sluice';\nexport default defineMigration({\n${body}\n});\n`;

describe('online migrations through the runner (real server)', () => {
  let db: TestDatabase;
  let project: TestProject;
  let client: pg.Client;
  beforeEach(async () => {
    db = await createPgDatabase('online_runner');
    project = createProject(db.url);
    client = await pgClient(db.url);
  });
  afterEach(async () => {
    await client.end();
    project.cleanup();
    await db.drop();
  });

  const columns = async (schema: string, table: string) =>
    (
      await client.query(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        [schema, table],
      )
    ).rows.map((r) => r.column_name as string);

  function setup(): void {
    project.write(
      '1_users.sql',
      sqlMigration(
        "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL);\nINSERT INTO users (first_name, last_name) SELECT 'f' || g, 'l' || g FROM generate_series(1, 50) g;",
        'DROP TABLE users;',
      ),
    );
    project.write(
      '2_full_name.ts',
      ts(`  online: true,
  operations: (op) => [op.addColumn('users', 'full_name', { type: 'text', up: "first_name || ' ' || last_name" })],`),
    );
    project.write('3_after.sql', sqlMigration('CREATE TABLE later (id int);', 'DROP TABLE later;'));
  }

  it('expands on up, is active in status, blocks later migrations, and completes', async () => {
    setup();
    const m = await project.migrator();
    const result = await m.up();
    expect(result.migrations.map((x) => x.version)).toEqual(['1', '2']);
    expect((await m.status()).entries.map((e) => e.state)).toEqual(['applied', 'active', 'pending']);
    expect(m.events).toContainEqual(
      expect.objectContaining({
        type: 'note',
        message: expect.stringContaining('1 later migration(s) wait'),
      }),
    );

    // Both versions work: the new version schema shows full_name, backfilled for existing rows.
    const schemas = (
      await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sluice_2%'")
    ).rows.map((r) => r.nspname);
    expect(schemas).toHaveLength(1);
    const newSchema = schemas[0] as string;
    const row = await client.query(`SELECT full_name FROM "${newSchema}".users WHERE first_name = 'f7'`);
    expect(row.rows).toEqual([{ full_name: 'f7 l7' }]);
    // A write through the old shape appears in the new one (dual-write trigger).
    await client.query("INSERT INTO public.users (first_name, last_name) VALUES ('Ada', 'Lovelace')");
    const written = await client.query(`SELECT full_name FROM "${newSchema}".users WHERE first_name = 'Ada'`);
    expect(written.rows).toEqual([{ full_name: 'Ada Lovelace' }]);

    const refused = (await m.up().catch((e: unknown) => e)) as RefusedError;
    expect(refused).toBeInstanceOf(RefusedError);
    expect(refused.code).toBe('online-active');

    expect(await m.complete()).toBe('2');
    expect((await m.status()).entries.map((e) => e.state)).toEqual(['applied', 'applied', 'pending']);
    expect(await columns('public', 'users')).toEqual(['id', 'first_name', 'last_name', 'full_name']);
    await m.up();
    expect((await m.status()).entries.map((e) => e.state)).toEqual(['applied', 'applied', 'applied']);
  });

  it('aborts an active online migration, leaving the old schema as it was; abort is idempotent', async () => {
    setup();
    const m = await project.migrator();
    await m.up('+1');
    const before = await columns('public', 'users');
    await m.up('+1');
    expect(await m.abort()).toBe('2');
    expect(await m.abort()).toBeNull();
    expect(await columns('public', 'users')).toEqual(before);
    expect((await m.status()).entries.map((e) => e.state)).toEqual(['applied', 'pending', 'pending']);
    const leftovers = await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sluice_2%'");
    expect(leftovers.rows).toEqual([]);
  });

  it('refuses an online migration that cannot run online before anything runs', async () => {
    project.write(
      '1_bad.ts',
      ts(
        `  online: true,\n  operations: (op) => [op.addColumn('users', 'x', { type: 'text', nullable: false })],`,
      ),
    );
    const m = await project.migrator();
    await expect(m.up()).rejects.toBeInstanceOf(MigrationFileError);
    expect((await client.query("SELECT to_regclass('sluice_migrations') AS t")).rows[0].t).toBe(
      'sluice_migrations',
    );
    expect((await m.historyRows()).length).toBe(0);
  });

  it('backfills a data migration in batches with db.backfill (transaction: false)', async () => {
    project.write(
      '1_t.sql',
      sqlMigration(
        "CREATE TABLE t (id int PRIMARY KEY, email text, email_address text);\nINSERT INTO t SELECT g, g || '@x' FROM generate_series(1, 2500) g;",
      ),
    );
    project.write(
      '2_copy.ts',
      ts(`  transaction: false,
  async up(db) { await db.backfill!('t', { set: { email_address: 'email' }, where: 'email_address IS NULL' }, { initialBatchSize: 100, maxBatchSize: 500 }); },`),
    );
    project.write('3_tx.ts', ts(`  async up(db) { await db.backfill!('t', { set: { email: 'email' } }); },`));
    const m = await project.migrator();
    await m.up('2');
    const counts = await client.query(
      'SELECT count(*)::int AS n, count(email_address)::int AS copied FROM t WHERE email_address = email',
    );
    expect(counts.rows).toEqual([{ n: 2500, copied: 2500 }]);
    expect(m.events.some((e) => e.type === 'progress')).toBe(true);
    // The pacing given to db.backfill() was used: at most 500 rows a batch (the default starts at 1000).
    const cp = await client.query('SELECT batches, batch_size FROM sluice.backfill_checkpoints');
    expect(cp.rows[0].batches).toBeGreaterThanOrEqual(5);
    expect(cp.rows[0].batch_size).toBeLessThanOrEqual(500);
    const refused = (await m.up().catch((e: unknown) => e)) as Error;
    expect(refused.message).toContain('transaction: false');
  });
});
