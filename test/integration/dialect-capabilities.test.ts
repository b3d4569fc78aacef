/**
 * The runner asks the dialect, not `if (postgres)`: a dialect without transactional DDL gets each
 * step run statement by statement and recorded as it goes, one without the online engine has its
 * online migrations refused, one without a linter has its SQL applied unlinted, and default names
 * are cut to the dialect's identifier length. The fake dialects are PostgreSQL's with a capability
 * taken away, over a PGlite whose every query is logged.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection, Dialect, Driver } from '../../src/dialects/dialect.js';
import { postgresDialect } from '../../src/dialects/postgres/dialect.js';
import { PgliteDriver } from '../../src/dialects/postgres/pglite-driver.js';
import { MigrationFileError, SluiceError, UsageError } from '../../src/errors.js';
import { createMigrator, type Migrator } from '../../src/runner/migrator.js';
import { createPgliteDatabase, type TestDatabase } from '../helpers/databases.js';
import { createProject, sqlMigration, type TestProject } from '../helpers/project.js';

/** A PGlite whose sessions log every query they send (with its values), speaking `dialect`. */
function loggingDriver(dataDir: string, dialect: Dialect, log: string[]): Driver {
  const inner = new PgliteDriver(dataDir);
  return {
    dialect,
    description: `${inner.description} (test dialect)`,
    async connect(): Promise<Connection> {
      const conn = await inner.connect();
      return {
        query: (text, values) => {
          log.push(values && values.length > 0 ? `${text} -- ${JSON.stringify(values)}` : text);
          return conn.query(text, values);
        },
        close: () => conn.close(),
      };
    },
    acquireRunnerLock: (options) => inner.acquireRunnerLock(options),
    close: () => inner.close(),
  };
}

const without = (capability: keyof Dialect['capabilities']): Dialect => ({
  ...postgresDialect,
  capabilities: { ...postgresDialect.capabilities, [capability]: false },
});

describe('the runner consults the dialect', () => {
  let project: TestProject;
  const made: Migrator[] = [];
  const databases: TestDatabase[] = [];
  beforeEach(() => {
    project = createProject('pglite:memory');
  });
  afterEach(async () => {
    for (const m of made.splice(0)) await m.close();
    for (const db of databases.splice(0)) await db.drop();
    project.cleanup();
  });

  /** A migrator over a database of its own (a copy of the PGlite template), speaking `dialect`. */
  async function migrator(dialect: Dialect, log: string[] = [], transaction?: 'all') {
    const db = await createPgliteDatabase();
    databases.push(db);
    const m = await createMigrator({
      cwd: project.dir,
      config: {
        database: db.url,
        migrations: 'migrations',
        ...(transaction ? { transaction } : {}),
      },
      driver: loggingDriver(db.url.slice('pglite:'.length), dialect, log),
    });
    made.push(m);
    return m;
  }

  /** The queries from the version's claim to its last statement. */
  const runQueries = (log: string[]) =>
    log.slice(log.findIndex((q) => /INSERT INTO .*sluice_migrations/.test(q)));

  it('without transactional DDL, each statement runs on its own, an in-flight record before it', async () => {
    project.write(
      '1_a.sql',
      sqlMigration('CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);', 'DROP TABLE a;'),
    );
    const log: string[] = [];
    const m = await migrator(without('transactionalDdl'), log);
    expect((await m.up()).migrations.map((x) => x.version)).toEqual(['1']);
    const run = runQueries(log);
    expect((await m.historyRows()).map((h) => [h.version, h.status])).toEqual([['1', 'applied']]);

    expect(run.filter((q) => /^\s*(BEGIN|COMMIT)\b/i.test(q))).toEqual([]);
    const create = run.findIndex((q) => q.startsWith('CREATE TABLE a'));
    const insert = run.findIndex((q) => q.startsWith('INSERT INTO a'));
    expect(create).toBeGreaterThan(0);
    expect(run[create - 1]).toContain('sluice:in-flight');
    expect(run[insert - 1]).toContain('sluice:in-flight');
    expect(run.findIndex((q) => /SET status = 'applied'/.test(q))).toBeGreaterThan(insert);

    expect((await m.down()).migrations.map((x) => x.version)).toEqual(['1']);
    expect(await m.historyRows()).toEqual([]);
  });

  it('with transactional DDL (PostgreSQL), the same migration and its history row are one transaction', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);'));
    const log: string[] = [];
    const m = await migrator(postgresDialect, log);
    await m.up();
    const batch = log.find((q) => q.includes('CREATE TABLE a'));
    expect(batch).toMatch(/^BEGIN\n;[\s\S]*CREATE TABLE a[\s\S]*COMMIT\n;$/);
  });

  it('refuses transaction mode "all" without transactional DDL, before anything runs', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);'));
    const m = await migrator(without('transactionalDdl'), [], 'all');
    const error = await m.up().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/transaction mode "all" needs DDL that can be rolled back/);
    expect(await m.historyRows()).toEqual([]);
  });

  it('refuses an online migration on a dialect without the online engine (online-unsupported, exit 2)', async () => {
    project.write('1_a.sql', sqlMigration('CREATE TABLE a (id int);'));
    project.write(
      '2_online.ts',
      "import { defineMigration } from 'sluice';\nexport default defineMigration({ online: true, operations: () => [] });\n",
    );
    const m = await migrator(without('onlineMigrations'));
    const error = await m.up().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SluiceError);
    expect(error).toMatchObject({ code: 'online-unsupported', exitCode: 2 });
    expect((error as SluiceError).message).toMatch(
      /2_online\.ts needs the online .* engine, which runs on PostgreSQL only/,
    );
    expect(await m.historyRows()).toEqual([]);
    await expect(m.complete()).rejects.toMatchObject({ code: 'online-unsupported' });
  });

  it('cuts default index names to the dialect’s identifier length', async () => {
    project.write(
      '1_accounts.ts',
      "import { defineMigration } from 'sluice';\nexport default defineMigration({\n  async up(db) {\n    await db.createTable('accounts', { holder_name: 'text' });\n    await db.addIndex('accounts', ['holder_name']);\n  },\n});\n",
    );
    const dry = await (await migrator({ ...postgresDialect, maxIdentifierLength: 16 })).up(undefined, {
      dryRun: true,
    });
    expect(dry.script).toContain('CREATE INDEX "accoun_holde_idx" ON "accounts"');
    const full = await (await migrator(postgresDialect)).up(undefined, { dryRun: true });
    expect(full.script).toContain('CREATE INDEX "accounts_holder_name_idx" ON "accounts"');
  });

  it('applies SQL a dialect without a linter cannot check, rather than refuse it as a PostgreSQL syntax error', async () => {
    project.write('1_odd.sql', sqlMigration('SELEC 1;'));
    const unlinted: Dialect = { ...postgresDialect, linter: undefined };
    const dry = await (await migrator(unlinted)).up(undefined, { dryRun: true });
    expect(dry.script).toContain('SELEC 1;');
    expect(dry.findings).toEqual([]);
    // PostgreSQL's own linter refuses it as a bad file.
    const error = await (await migrator(postgresDialect)).up(undefined, { dryRun: true }).catch((e) => e);
    expect(error).toBeInstanceOf(MigrationFileError);
  });
});
