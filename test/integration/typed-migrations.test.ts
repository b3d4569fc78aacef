/**
 * Typed operations through the whole runner: `db.addColumn(...)` in a TypeScript migration, the
 * automatic down derived from history, drops re-created from the captured definition, and an
 * index on an existing table built CONCURRENTLY outside the transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RefusedError } from '../../src/errors.js';
import { POSTGRES_TARGETS, type TestDatabase } from '../helpers/databases.js';
import { createProject, queryVia, sqlMigration, type TestProject } from '../helpers/project.js';

const ts = (body: string) =>
  `import { defineMigration } from 'sluice';\nexport default defineMigration({\n${body}\n});\n`;

describe.each(POSTGRES_TARGETS)('typed migrations on $label', ({ create }) => {
  let db: TestDatabase;
  let project: TestProject;
  beforeEach(async () => {
    db = await create();
    project = createProject(db.url);
  });
  afterEach(async () => {
    project.cleanup();
    await new Promise((r) => setTimeout(r, 50));
    await db.drop();
  });

  type M = Awaited<ReturnType<TestProject['migrator']>>;
  const query = queryVia;
  const schema = (m: M) =>
    query<{ t: string; c: string; type: string; nullable: string }>(
      m,
      `SELECT table_name AS t, column_name AS c, data_type AS type, is_nullable AS nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> 'sluice_migrations' ORDER BY 1, ordinal_position`,
    );
  const indexes = (m: M) =>
    query<{ name: string; valid: boolean }>(
      m,
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname NOT LIKE 'sluice%' ORDER BY 1`,
    );

  it('applies typed operations and rolls them back with the automatic down', async () => {
    project.write(
      '1_users.ts',
      ts(`  async up(db) {
    await db.createTable('users', { id: { type: 'bigint', identity: 'always', primaryKey: true }, email: 'text' });
  },`),
    );
    project.write(
      '2_more.ts',
      ts(`  async up(db) {
    await db.addColumn('users', 'email_address', { type: 'varchar(255)', nullable: true });
    await db.addIndex('users', ['email_address']);
  },`),
    );
    const m = await project.migrator();
    await m.up('+1');
    const before = await schema(m);
    await m.up();
    // The index on an existing table is built CONCURRENTLY, so the migration left its transaction.
    expect(m.events).toContainEqual(
      expect.objectContaining({
        type: 'note',
        message: expect.stringContaining('runs outside a transaction'),
      }),
    );
    expect(await schema(m)).toContainEqual({
      t: 'users',
      c: 'email_address',
      type: 'character varying',
      nullable: 'YES',
    });
    expect((await indexes(m)).filter((i) => i.name !== 'users_pkey')).toEqual([
      { name: 'users_email_address_idx', valid: true },
    ]);
    const stored = (await m.historyRows()).find((r) => r.version === '2')!;
    expect((stored.downInfo as { operations: { kind: string }[] }).operations.map((o) => o.kind)).toEqual([
      'addColumn',
      'addIndex',
    ]);

    await m.down('-1');
    expect(await schema(m)).toEqual(before);
    expect((await indexes(m)).map((i) => i.name)).toEqual(['users_pkey']);
    await m.down('base');
    expect(await schema(m)).toEqual([]);
  });

  it('captures a dropped column so the automatic down re-creates it, and says the data is not restored', async () => {
    project.write(
      '1_t.sql',
      sqlMigration("CREATE TABLE t (id int PRIMARY KEY, legacy text NOT NULL DEFAULT 'x');", 'DROP TABLE t;'),
    );
    project.write('2_drop.ts', ts(`  async up(db) { await db.dropColumn('t', 'legacy'); },`));
    const m = await project.migrator();
    await m.up('+1');
    const before = await schema(m);
    // Dropping a column is unsafe: refused until acknowledged, and nothing runs.
    const refused = (await m.up().catch((e: unknown) => e)) as RefusedError;
    expect(refused).toBeInstanceOf(RefusedError);
    expect(refused.code).toBe('unsafe');
    expect(refused.message).toContain('ban-drop-column');
    expect(await schema(m)).toEqual(before);
    project.write(
      '2_drop.ts',
      ts(`  ignore: { 'ban-drop-column': 'no code reads legacy since v2' },
  async up(db) { await db.dropColumn('t', 'legacy'); },`),
    );
    await m.up();
    expect((await schema(m)).map((c) => c.c)).toEqual(['id']);
    await m.down('-1');
    expect(await schema(m)).toEqual(before);
    expect(m.events).toContainEqual(
      expect.objectContaining({ type: 'note', message: expect.stringContaining('data') }),
    );
    const defaults = await query<{ d: string }>(
      m,
      "SELECT column_default AS d FROM information_schema.columns WHERE table_name = 't' AND column_name = 'legacy'",
    );
    expect(defaults).toEqual([{ d: "'x'::text" }]);
  });

  it('drops the invalid index a failed concurrent build left before running it again', async () => {
    project.write(
      '1_t.sql',
      sqlMigration('CREATE TABLE t (id int PRIMARY KEY, v int);\nINSERT INTO t VALUES (1, 7), (2, 7);'),
    );
    project.write('2_unique.ts', ts(`  async up(db) { await db.addIndex('t', ['v'], { unique: true }); },`));
    const m = await project.migrator();
    await m.up('+1');
    // The duplicate values make CREATE UNIQUE INDEX CONCURRENTLY fail, leaving an invalid index behind.
    await expect(m.up()).rejects.toThrow(/23505/);
    expect(await indexes(m)).toContainEqual({ name: 't_v_idx', valid: false });
    await query(m, 'UPDATE t SET v = 8 WHERE id = 2');
    await m.up();
    expect(await indexes(m)).toContainEqual({ name: 't_v_idx', valid: true });
    expect((await m.status()).entries.map((e) => e.state)).toEqual(['applied', 'applied']);
  });

  it('refuses the automatic down when an operation cannot be reversed, before anything runs', async () => {
    project.write(
      '1_raw.ts',
      ts(`  async up(db) {
    await db.createTable('a', { id: 'int' });
    await db.sql\`INSERT INTO \${db.ident('a')} VALUES (\${1})\`;
  },`),
    );
    const m = await project.migrator();
    await m.up();
    const refused = (await m.down('-1').catch((e: unknown) => e)) as RefusedError;
    expect(refused).toBeInstanceOf(RefusedError);
    expect(refused.code).toBe('irreversible');
    expect(refused.message).toContain('1_raw.ts');
    expect(await query<{ id: number }>(m, 'SELECT id FROM a')).toEqual([{ id: 1 }]);
  });

  it('shows the compiled operations in the dry-run script', async () => {
    project.write('1_t.sql', sqlMigration('CREATE TABLE t (id int PRIMARY KEY);', 'DROP TABLE t;'));
    project.write('2_check.ts', ts(`  async up(db) { await db.addCheck('t', 't_id_positive', 'id > 0'); },`));
    const m = await project.migrator();
    await m.up('+1');
    const { script } = await m.up(undefined, { dryRun: true });
    expect(script).toContain('ADD CONSTRAINT "t_id_positive" CHECK (id > 0) NOT VALID');
    expect(script).toContain('VALIDATE CONSTRAINT "t_id_positive"');
    expect((await m.status()).entries.map((e) => e.state)).toEqual(['applied', 'pending']);
  });
});
