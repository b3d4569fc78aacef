/**
 * Arriving from another tool, through the built binary on the real server: each tool's history
 * table is created with that tool's own DDL and rows, with the tables its migrations made. `up`
 * refuses (exit 3) with the import command; `import --from` takes the history over (idempotently);
 * `up` then applies only the rest. Migrations are read in each tool's layout where sluice has one.
 */
import { describe, expect, it } from 'vitest';
import {
  json,
  migrationStates,
  query,
  SERVER_TARGETS,
  SLOW,
  tableMigration,
  tables,
} from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';

/** What the other tool's migrations 1 and 2 made; migration 3 is left for sluice. */
const TOOL_SCHEMA = 'CREATE TABLE one (id bigint PRIMARY KEY); CREATE TABLE two (id bigint PRIMARY KEY);';

/** A migration file with no markers: the whole file is the up step (Prisma, Flyway). */
const plain = (table: string) =>
  `-- CreateTable\nCREATE TABLE "${table}" (id bigint PRIMARY KEY);\n\nCOMMENT ON TABLE "${table}" IS 'made by a plain file';\n`;

interface ToolCase {
  tool: string;
  config?: Record<string, unknown>;
  /** The tool's own DDL for its history table, and the rows it wrote. */
  history: string;
  files: Record<string, string>;
  /** Versions the tool applied, as sluice names them. */
  applied: string[];
  /** The version left for sluice. */
  rest: string;
  table: string;
  unmatched?: string[];
}

const CASES: ToolCase[] = [
  {
    tool: 'dbmate',
    config: { layout: 'dbmate' },
    // dbmate's PostgreSQL driver: `create table if not exists schema_migrations (version varchar(128) primary key)`.
    history: `create table if not exists public.schema_migrations (version varchar(128) primary key);
insert into public.schema_migrations (version) values ('20240101000001'), ('20240101000002');`,
    files: {
      'db/migrations/20240101000001_create_one.sql': tableMigration('one'),
      'db/migrations/20240101000002_create_two.sql': tableMigration('two'),
      'db/migrations/20240101000003_create_three.sql': tableMigration('three'),
    },
    applied: ['20240101000001', '20240101000002'],
    rest: '20240101000003',
    table: 'public.schema_migrations',
  },
  {
    tool: 'node-pg-migrate',
    history: `CREATE TABLE "public"."pgmigrations" ( id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);
INSERT INTO "public"."pgmigrations" (name, run_on) VALUES ('1700000000001_create-one', NOW()), ('1700000000002_create-two', NOW());`,
    files: {
      'migrations/1700000000001_create-one.sql': tableMigration('one'),
      'migrations/1700000000002_create-two.sql': tableMigration('two'),
      'migrations/1700000000003_create-three.sql': tableMigration('three'),
    },
    applied: ['1700000000001', '1700000000002'],
    rest: '1700000000003',
    table: 'public.pgmigrations',
  },
  {
    tool: 'knex',
    history: `create table "knex_migrations" ("id" serial primary key, "name" varchar(255), "batch" integer, "migration_time" timestamptz);
create table "knex_migrations_lock" ("index" serial primary key, "is_locked" integer);
insert into "knex_migrations_lock" ("is_locked") values (0);
insert into "knex_migrations" ("name", "batch", "migration_time") values
  ('20231201000000_legacy_seed.js', 1, now()), ('20240101000001_create_one.js', 1, now()), ('20240101000002_create_two.js', 2, now());`,
    files: {
      'migrations/20240101000001_create_one.sql': tableMigration('one'),
      'migrations/20240101000002_create_two.sql': tableMigration('two'),
      'migrations/20240101000003_create_three.sql': tableMigration('three'),
    },
    applied: ['20240101000001', '20240101000002'],
    rest: '20240101000003',
    table: 'public.knex_migrations',
    unmatched: ['20231201000000_legacy_seed.js'],
  },
  {
    tool: 'prisma',
    config: { layout: 'prisma' },
    // Prisma's migrate engine; the third attempt failed and was resolved as rolled back.
    history: `CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id")
);
INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, rolled_back_at, applied_steps_count) VALUES
  ('0b1d8a34-5f6e-4c2a-9d1e-000000000001', repeat('a', 64), now(), '20240101000001_create_one', NULL, 1),
  ('0b1d8a34-5f6e-4c2a-9d1e-000000000002', repeat('b', 64), now(), '20240101000002_create_two', NULL, 1),
  ('0b1d8a34-5f6e-4c2a-9d1e-000000000003', repeat('c', 64), NULL, '20240101000003_create_three', now(), 0);`,
    files: {
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000001_create_one/migration.sql': plain('one'),
      'prisma/migrations/20240101000002_create_two/migration.sql': plain('two'),
      'prisma/migrations/20240101000003_create_three/migration.sql': plain('three'),
    },
    applied: ['20240101000001', '20240101000002'],
    rest: '20240101000003',
    table: 'public._prisma_migrations',
  },
  {
    tool: 'flyway',
    config: { layout: 'flyway' },
    // Flyway's PostgreSQL createMetaDataTable.sql; V1 came in through `flyway baseline`.
    history: `CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
INSERT INTO "public"."flyway_schema_history" VALUES
  (1, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'postgres', now(), 0, true),
  (2, '2', 'create two', 'SQL', 'V2__create_two.sql', 12345, 'postgres', now(), 7, true),
  (3, NULL, 'views', 'SQL', 'R__views.sql', 678, 'postgres', now(), 3, true);`,
    files: {
      'db/migration/V1__create_one.sql': plain('one'),
      'db/migration/V2__create_two.sql': plain('two'),
      'db/migration/V3__create_three.sql': plain('three'),
    },
    applied: ['1', '2'],
    rest: '3',
    table: 'public.flyway_schema_history',
  },
  {
    tool: 'alembic',
    // Alembic keeps only the head revision: everything up to its file counts as applied.
    history: `CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf2');`,
    files: {
      'migrations/20240101000001_1975ea83b712_create_one.sql': tableMigration('one'),
      'migrations/20240101000002_ae1027a6acf2_create_two.sql': tableMigration('two'),
      'migrations/20240101000003_27c6a30d7c24_create_three.sql': tableMigration('three'),
    },
    applied: ['20240101000001', '20240101000002'],
    rest: '20240101000003',
    table: 'public.alembic_version',
  },
];

describe.each(SERVER_TARGETS)('arriving from another tool on $label', { timeout: SLOW }, ({ create }) => {
  const cli = cliSuite(create);
  const { run } = cli;

  it.each(CASES)(
    '$tool: up refuses with the import hint; import takes the history over; up applies only the rest',
    async (c) => {
      await query(cli.db.url, `${TOOL_SCHEMA}\n${c.history}`);
      if (c.config) cli.project.write('sluice.config.json', JSON.stringify(c.config));
      for (const [path, text] of Object.entries(c.files)) cli.project.write(path, text);

      const up = await run('up');
      expect(up.code).toBe(3);
      expect(up.stderr).toContain(
        `error Refusing to run: this database has the migration history of ${c.tool} (${c.table}`,
      );
      expect(up.stderr).toContain(`sluice import --from ${c.tool}`);
      expect(up.stderr).toContain('sluice baseline <version>');
      expect(up.stderr).not.toContain('42P07');
      const dry = await run('up', '--dry-run', '--json');
      expect(dry.code).toBe(3);
      expect(json(dry)).toMatchObject({ error: 'foreign-history', tools: [c.tool] });
      expect(await query(cli.db.url, 'SELECT * FROM sluice_migrations')).toEqual([]);
      expect(await tables(cli.db.url)).not.toContain('three');

      const imported = await run('import', '--from', c.tool, '--json');
      expect(imported.code).toBe(0);
      expect(json(imported)).toEqual({
        tool: c.tool,
        table: c.table,
        imported: c.applied.map((version) => ({ version, name: expect.any(String) })),
        already: [],
        unmatched: c.unmatched ?? [],
      });
      const again = await run('import', '--from', c.tool);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(
        `Imported 0 migration(s) from ${c.tool} (${c.table}); ${c.applied.length} were already in sluice's history.\n`,
      );
      for (const ref of c.unmatched ?? [])
        expect(again.stderr).toContain(`${c.tool} applied ${ref}, which matches no migration file`);

      const rest = await run('up');
      expect(rest.stderr).not.toContain('42P07');
      expect(rest.code).toBe(0);
      expect(rest.stdout).toBe('Applied 1 migration(s).\n');
      expect(await migrationStates(run)).toEqual([...c.applied, c.rest].map((v) => `${v}:applied`));
      expect(await tables(cli.db.url)).toEqual(expect.arrayContaining(['one', 'two', 'three']));
      if (c.config?.layout === 'prisma' || c.config?.layout === 'flyway') {
        // The whole plain file ran, its second statement too.
        expect(await query(cli.db.url, "SELECT obj_description('three'::regclass, 'pg_class') AS d")).toEqual(
          [{ d: 'made by a plain file' }],
        );
      }
      const rows = await query<{ version: string; applied_by: string }>(
        cli.db.url,
        'SELECT version, applied_by FROM sluice_migrations ORDER BY version',
      );
      for (const v of c.applied) {
        expect(rows.find((r) => r.version === v)?.applied_by).toMatch(
          new RegExp(`^imported from ${c.tool} \\(${c.table.replace('.', '\\.')}\\) by `),
        );
      }
      expect(rows.find((r) => r.version === c.rest)?.applied_by).not.toMatch(/^imported/);
    },
  );

  it('alembic: a head revision that names no file is refused, and nothing is recorded', async () => {
    await query(
      cli.db.url,
      `${TOOL_SCHEMA} CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version (version_num) VALUES ('5b1e2c3d4f60');`,
    );
    cli.project.write('migrations/20240101000001_create_one.sql', tableMigration('one'));
    const imported = await run('import', '--from', 'alembic');
    expect(imported.code).toBe(3);
    expect(imported.stderr).toContain(
      "error alembic's head revision 5b1e2c3d4f60 matches no migration file, so sluice cannot tell what was applied.",
    );
    expect(imported.stderr).toContain('<version>_5b1e2c3d4f60_<name>.sql');
    expect(await query(cli.db.url, 'SELECT * FROM sluice_migrations')).toEqual([]);
    expect((await run('up')).code).toBe(3);

    await query(cli.db.url, "INSERT INTO alembic_version (version_num) VALUES ('0c9d8e7f6a5b')");
    const heads = await run('import', '--from', 'alembic', '--json');
    expect(heads.code).toBe(3);
    expect(json(heads)).toMatchObject({ error: 'import-unmapped', tool: 'alembic' });
    expect(json(heads).message).toMatch(/^alembic_version has 2 heads/);
  });

  it("sluice's own history table named schema_migrations is not taken for dbmate's", async () => {
    cli.project.write('sluice.config.json', JSON.stringify({ historyTable: 'schema_migrations' }));
    cli.project.write('migrations/1_one.sql', tableMigration('one'));
    expect(await run('up')).toMatchObject({ code: 0 });
    cli.project.write('migrations/2_two.sql', tableMigration('two'));
    const imported = await run('import', '--from', 'dbmate');
    expect(imported.code).toBe(2);
    expect(imported.stderr).toMatch(/^error No dbmate history in this database: no table schema_migrations/);
    expect(await run('up')).toMatchObject({ code: 0, stdout: 'Applied 1 migration(s).\n' });
  });

  it('layouts: a Flyway repeatable script is refused by name, never skipped; a Prisma folder without migration.sql too', async () => {
    cli.project.write('sluice.config.json', JSON.stringify({ layout: 'flyway' }));
    cli.project.write('db/migration/V1__create_one.sql', plain('one'));
    cli.project.write('db/migration/R__views.sql', 'CREATE VIEW v AS SELECT 1;\n');
    const flyway = await run('up');
    expect(flyway.code).toBe(2);
    expect(flyway.stderr).toMatch(
      /^error Migration file db\/migration\/R__views\.sql is not named V<version>__<description>\.sql\.\n {2}hint: sluice does not run Flyway repeatable \(R__\) migrations/,
    );
    cli.project.write('sluice.config.json', JSON.stringify({ layout: 'prisma' }));
    cli.project.write('prisma/migrations/20240101000001_init/migration.sql', plain('one'));
    cli.project.write('prisma/migrations/20240101000002_empty/notes.txt', 'nothing\n');
    const prisma = await run('up');
    expect(prisma.code).toBe(2);
    expect(prisma.stderr).toMatch(
      /^error Migration file prisma\/migrations\/20240101000002_empty\/migration\.sql does not exist\./,
    );
    expect(await tables(cli.db.url)).not.toContain('one');
  });

  it('layouts: lint reads plain Flyway files whole; new refuses to write sluice files into a Prisma layout', async () => {
    cli.project.write('sluice.config.json', JSON.stringify({ layout: 'flyway' }));
    cli.project.write('db/migration/V1__create_one.sql', plain('one'));
    cli.project.write('db/migration/V2__drop_note.sql', '-- no markers\nALTER TABLE one DROP COLUMN note;\n');
    const lint = await run('lint', '--format', 'json');
    expect(lint.code).toBe(3);
    const { findings } = json<{ findings: { rule: string; file: string; line: number }[] }>(lint);
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([
      'db/migration/V2__drop_note.sql:2 ban-drop-column',
    ]);
    cli.project.write('sluice.config.json', JSON.stringify({ layout: 'prisma' }));
    const made = await run('new', 'add_users');
    expect(made.code).toBe(2);
    expect(made.stderr).toMatch(
      /^error `sluice new` writes sluice's format, not the prisma layout\.\n {2}hint: Create the migration as prisma names it \(<timestamp>_<name>\/migration\.sql\) in prisma\/migrations\.\n/,
    );
  });
});
