/**
 * The runner's promises, on the real server and on PGlite: transactions per migration, failures
 * that leave nothing half-applied, resumable non-transactional migrations, drift, targets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseError, MigrationFailedError, RefusedError, UsageError } from '../../src/errors.js';
import { POSTGRES_TARGETS, type TestDatabase } from '../helpers/databases.js';
import { createProject, queryVia, sqlMigration, type TestProject } from '../helpers/project.js';

describe.each(POSTGRES_TARGETS)('runner on $label', ({ create }) => {
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

  async function tables(m: Awaited<ReturnType<TestProject['migrator']>>): Promise<string[]> {
    const conn = await (await m.driver()).connect();
    const res = await conn.query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    await conn.close();
    return res.rows.map((r) => r.t);
  }

  const query = queryVia;

  it('applies, reports status and history, and rolls back to a version, -N and base', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);', 'DROP TABLE a;'));
    project.write('2_b.sql', sqlMigration('CREATE TABLE b (id int);', 'DROP TABLE b;'));
    project.write('3_c.sql', sqlMigration('CREATE TABLE c (id int);', 'DROP TABLE c;'));
    const m = await project.migrator();

    expect((await m.up('+1')).migrations.map((x) => x.version)).toEqual(['1']);
    expect((await m.up('2')).migrations.map((x) => x.version)).toEqual(['2']);
    expect((await m.up()).migrations.map((x) => x.version)).toEqual(['3']);
    expect((await m.up()).migrations).toEqual([]);
    const status = await m.status();
    expect(status.current).toBe('3');
    expect(status.entries.map((e) => e.state)).toEqual(['applied', 'applied', 'applied']);
    const history = await m.historyRows();
    expect(history.map((h) => [h.version, h.name, h.kind, h.status])).toEqual([
      ['1', 'a', 'sql', 'applied'],
      ['2', 'b', 'sql', 'applied'],
      ['3', 'c', 'sql', 'applied'],
    ]);
    expect(history[0]!.appliedBy).toMatch(/@/);
    // The linter's class of change is kept with each applied migration.
    expect(history.map((h) => h.class)).toEqual(['additive', 'additive', 'additive']);
    expect(await tables(m)).toEqual(['a', 'b', 'c', 'sluice_migrations']);

    expect((await m.down('1')).migrations.map((x) => x.version)).toEqual(['3', '2']);
    expect(await tables(m)).toEqual(['a', 'sluice_migrations']);
    await m.up();
    expect((await m.down('-2')).migrations.map((x) => x.version)).toEqual(['3', '2']);
    expect((await m.down('base')).migrations.map((x) => x.version)).toEqual(['1']);
    expect(await tables(m)).toEqual(['sluice_migrations']);
    expect((await m.status()).current).toBeNull();
  });

  it('sends statements that end in a line comment correctly', async () => {
    project.write(
      '1_comments.sql',
      sqlMigration('CREATE TABLE a (id int) -- trailing note\n;\nINSERT INTO a VALUES (7); -- after'),
    );
    const m = await project.migrator();
    await m.up();
    expect(await query<{ id: number }>(m, 'SELECT id FROM a')).toEqual([{ id: 7 }]);
  });

  it('rolls a failing transactional migration back and leaves history untouched', async () => {
    project.write('1_ok.sql', sqlMigration('CREATE TABLE ok (id int);'));
    project.write(
      '2_bad.sql',
      sqlMigration(
        'CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\nSELECT 1/0;\nCREATE TABLE never (id int);',
      ),
    );
    const m = await project.migrator();
    const error = await m.up().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    const failed = error as MigrationFailedError;
    expect(failed.exitCode).toBe(1);
    expect(failed.details).toMatchObject({ line: 4, sqlState: '22012', statement: 'SELECT 1/0' });
    expect(failed.details.file).toMatch(/2_bad\.sql$/);
    expect(failed.message).toContain('division by zero');
    expect(await tables(m)).toEqual(['ok', 'sluice_migrations']);
    expect((await m.historyRows()).map((h) => h.version)).toEqual(['1']);
    expect((await m.status()).entries.map((e) => e.state)).toEqual(['applied', 'pending']);
  });

  it('resumes a failed non-transactional migration after the fix without repeating finished statements', async () => {
    const up = (third: string) =>
      sqlMigration(
        [
          'CREATE TABLE counter (n int);',
          'INSERT INTO counter VALUES (1);',
          third,
          'INSERT INTO counter VALUES (3);',
        ].join('\n'),
        'DROP TABLE counter;',
        { upTx: false },
      );
    project.write('1_nontx.sql', up('INSERT INTO counter VALUES (1/0);'));
    const m = await project.migrator();
    const error = (await m.up().catch((e: unknown) => e)) as MigrationFailedError;
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error.details.line).toBe(4);

    const row = (await m.historyRows())[0]!;
    expect(row).toMatchObject({ status: 'partial', statementsDone: 2, statementsTotal: 4 });
    expect(row.failure).toMatchObject({ index: 2, line: 4, code: '22012' });
    const status = await m.status();
    expect(status.entries[0]!.state).toBe('pending');
    expect(status.current).toBeNull();

    // The fix changes the failed statement only; the finished ones must not run again.
    project.write('1_nontx.sql', up('INSERT INTO counter VALUES (2);'));
    const m2 = await project.migrator();
    await m2.up();
    expect(m2.events).toContainEqual({ type: 'resume', version: '1', skipped: 2, total: 4 });
    const rows = await query<{ n: number }>(m2, 'SELECT n FROM counter ORDER BY n');
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3]);
    expect((await m2.status()).entries[0]!.state).toBe('applied');
  });

  it('a damaged progress record stops the run instead of running finished statements again', async () => {
    project.write(
      '1_nontx.sql',
      sqlMigration('CREATE TABLE counter (n int);\nINSERT INTO counter VALUES (1);\nSELECT 1/0;', undefined, {
        upTx: false,
      }),
    );
    const m = await project.migrator();
    await expect(m.up()).rejects.toBeInstanceOf(MigrationFailedError);
    await query(m, "UPDATE sluice_migrations SET progress = '[\"truncated' WHERE version = '1'");
    project.write(
      '1_nontx.sql',
      sqlMigration('CREATE TABLE counter (n int);\nINSERT INTO counter VALUES (1);\nSELECT 1;', undefined, {
        upTx: false,
      }),
    );
    const m2 = await project.migrator();
    const error = (await m2.up().catch((e: unknown) => e)) as DatabaseError;
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error.message).toMatch(/column progress of version 1 is not valid JSON/);
    expect(await query<{ n: number }>(m2, 'SELECT n FROM counter')).toEqual([{ n: 1 }]);
  });

  it('refuses to resume when a finished statement of a partial migration was edited', async () => {
    project.write(
      '1_nontx.sql',
      sqlMigration('CREATE TABLE t1 (id int);\nSELECT 1/0;', undefined, { upTx: false }),
    );
    const m = await project.migrator();
    await expect(m.up()).rejects.toBeInstanceOf(MigrationFailedError);
    project.write(
      '1_nontx.sql',
      sqlMigration('CREATE TABLE t1_renamed (id int);\nSELECT 1;', undefined, { upTx: false }),
    );
    const error = await (await project.migrator()).up().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as RefusedError).code).toBe('resume-changed');
  });

  it('reports drift and missing files, refuses up, and accepts deliberate changes', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);', 'DROP TABLE a;'));
    project.write('2_b.sql', sqlMigration('CREATE TABLE b (id int);', 'DROP TABLE b;'));
    const m = await project.migrator();
    await m.up();
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id bigint);', 'DROP TABLE a;'));
    project.remove('2_b.sql');
    project.write('3_c.sql', sqlMigration('CREATE TABLE c (id int);'));
    const status = await m.status();
    expect(status.entries.map((e) => [e.version, e.state])).toEqual([
      ['1', 'drifted'],
      ['2', 'missing'],
      ['3', 'pending'],
    ]);
    const refused = await m.up().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RefusedError);
    expect((refused as RefusedError).exitCode).toBe(3);
    expect((refused as RefusedError).message).toContain('1_a');
    expect(await tables(m)).not.toContain('c');

    expect(await m.accept('1')).toEqual({ version: '1', action: 'checksum-updated' });
    expect(await m.accept('2')).toEqual({ version: '2', action: 'forgotten' });
    await expect(m.accept('3')).rejects.toBeInstanceOf(UsageError);
    await m.up();
    expect((await m.status()).entries.map((e) => e.state)).toEqual(['applied', 'applied']);
  });

  it('refuses an out-of-order migration unless allowed', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);'));
    project.write('3_c.sql', sqlMigration('CREATE TABLE c (id int);'));
    const m = await project.migrator();
    await m.up();
    project.write('2_b.sql', sqlMigration('CREATE TABLE b (id int);'));
    const refused = (await m.up().catch((e: unknown) => e)) as RefusedError;
    expect(refused).toBeInstanceOf(RefusedError);
    expect(refused.code).toBe('out-of-order');
    expect(await tables(m)).not.toContain('b');
    expect((await m.up(undefined, { allowOutOfOrder: true })).migrations.map((x) => x.version)).toEqual([
      '2',
    ]);
  });

  it('stops a rollback before anything runs when a migration has no down step', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);', 'DROP TABLE a;'));
    project.write('2_b.sql', sqlMigration('CREATE TABLE b (id int);'));
    project.write('3_c.sql', sqlMigration('CREATE TABLE c (id int);', 'DROP TABLE c;'));
    const m = await project.migrator();
    await m.up();
    const refused = (await m.down('base').catch((e: unknown) => e)) as RefusedError;
    expect(refused).toBeInstanceOf(RefusedError);
    expect(refused.code).toBe('irreversible');
    expect(refused.message).toContain('2_b.sql');
    expect(await tables(m)).toEqual(['a', 'b', 'c', 'sluice_migrations']);
    expect((await m.down('-1')).migrations.map((x) => x.version)).toEqual(['3']);
  });

  it('prints the dry-run script with transaction boundaries and changes nothing', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);', 'DROP TABLE a;'));
    project.write(
      '2_b.sql',
      sqlMigration('CREATE INDEX CONCURRENTLY a_id ON a (id);', 'DROP INDEX a_id;', { upTx: false }),
    );
    project.write(
      '3_c.ts',
      `import { defineMigration } from 'sluice';
export default defineMigration({
  async up(db) { await db.sql\`INSERT INTO \${db.ident('a')} (id) VALUES (\${42})\`; },
  async down(db) { await db.sql\`DELETE FROM \${db.ident('a')} WHERE id = \${42}\`; },
});
`,
    );
    const m = await project.migrator();
    const result = await m.up(undefined, { dryRun: true });
    const script = result.script!;
    expect(script.match(/^BEGIN;$/gm)).toHaveLength(2);
    expect(script.match(/^COMMIT;$/gm)).toHaveLength(2);
    expect(script).toContain('CREATE INDEX CONCURRENTLY a_id ON a (id);');
    expect(script).toContain('INSERT INTO "a" (id) VALUES (42);');
    expect(script.indexOf('CREATE TABLE a')).toBeLessThan(script.indexOf('CONCURRENTLY'));
    expect(script).toMatch(/^-- .*2_b\.sql \(up, outside a transaction\)$/m);
    expect(await tables(m)).toEqual([]);
    await m.up();
    expect(await query<{ id: number }>(m, 'SELECT id FROM a')).toEqual([{ id: 42 }]);
    const down = await m.down('base', { dryRun: true });
    expect(down.script).toContain('DELETE FROM "a" WHERE id = 42;');
    expect(await query<{ id: number }>(m, 'SELECT id FROM a')).toEqual([{ id: 42 }]);
  });

  it('runs everything in one transaction in mode "all" and nothing commits on failure', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);'));
    project.write('2_b.sql', sqlMigration('CREATE TABLE b (id int);\nSELECT 1/0;'));
    const m = await project.migrator({ transaction: 'all' });
    await expect(m.up()).rejects.toBeInstanceOf(MigrationFailedError);
    expect(await tables(m)).toEqual(['sluice_migrations']);
    project.write('2_b.sql', sqlMigration('CREATE TABLE b (id int);'));
    await m.close(); // one PGlite instance per data directory at a time
    const m2 = await project.migrator({ transaction: 'all' });
    await m2.up();
    expect(await tables(m2)).toEqual(['a', 'b', 'sluice_migrations']);
  });

  it('baselines an existing schema without running the migrations', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);'));
    project.write('2_b.sql', sqlMigration('CREATE TABLE b (id int);'));
    project.write('3_c.sql', sqlMigration('CREATE TABLE c (id int);'));
    const m = await project.migrator();
    expect((await m.baseline('2')).map((e) => e.version)).toEqual(['1', '2']);
    await expect(m.baseline('9')).rejects.toBeInstanceOf(UsageError);
    expect((await m.up()).migrations.map((x) => x.version)).toEqual(['3']);
    expect(await tables(m)).toEqual(['c', 'sluice_migrations']);
  });

  it('names the TypeScript file and line of a failing db.sql call', async () => {
    project.write(
      '1_fail.ts',
      `import { defineMigration } from 'sluice';

export default defineMigration({
  async up(db) {
    await db.sql\`CREATE TABLE \${db.ident('x')} (id int)\`;
    await db.sql\`SELECT * FROM \${db.ident('no_such_table')}\`;
  },
});
`,
    );
    const m = await project.migrator();
    const error = (await m.up().catch((e: unknown) => e)) as MigrationFailedError;
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error.details).toMatchObject({
      line: 6,
      sqlState: '42P01',
      statement: 'SELECT * FROM "no_such_table"',
    });
    expect(await tables(m)).toEqual(['sluice_migrations']);
  });
});
