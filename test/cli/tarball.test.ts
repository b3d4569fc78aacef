/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` into a fresh project, and
 * the README's "In your own project" steps through `npx sluice`. This checks `files` (everything the
 * bundled CLI and the library load is in the tarball, nothing of src/ or test/ is), `bin` (npx finds
 * and runs it) and `exports` (`import('sluice')` works, deep imports are refused), then makes each
 * call the README's library section promises and type-checks a strict TypeScript file that uses them.
 *
 * Packing uses the dist/ that `pretest` built (`--ignore-scripts`: rebuilding here would rewrite
 * dist/ under the other CLI tests running beside it). The install takes dependencies from the npm
 * cache or registry.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, type Project, tempProject } from '../helpers/cli.js';
import { createPgDatabase, type TestDatabase } from '../helpers/databases.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const INSTALL_MS = 240_000;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

/** Runs a command without a shell; never throws for a non-zero exit. */
async function run(file: string, args: string[], cwd: string, timeout = 120_000): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of ['DATABASE_URL', 'NODE_OPTIONS', 'FORCE_COLOR']) delete env[key];
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd, env, timeout });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const npx = (project: Project, args: string[]) =>
  run('npx', ['--no-install', 'sluice', ...args], project.dir);

let packDir: Project;
let app: Project;
let tarball: string;
let db: TestDatabase;

beforeAll(async () => {
  packDir = tempProject('sluice-pack-');
  app = tempProject('sluice-app-');
  const pack = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir.dir],
    ROOT,
    INSTALL_MS,
  );
  expect(pack.code, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(packDir.dir, info!.filename);
  writeFileSync(
    join(app.dir, 'package.json'),
    `${JSON.stringify({ name: 'tarball-app', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  const install = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball],
    app.dir,
    INSTALL_MS,
  );
  expect(install.code, install.stderr).toBe(0);
  db = await createPgDatabase('tarball');
}, INSTALL_MS * 2);

afterAll(async () => {
  await db?.drop();
  app?.remove();
  packDir?.remove();
});

describe('installed from the npm pack tarball into a fresh project', () => {
  it('the tarball holds dist/, docs/ and the README, and no sources, tests or build scripts', () => {
    const installed = join(app.dir, 'node_modules', pkg.name);
    expect(readdirSync(installed).sort()).toEqual(['README.md', 'dist', 'docs', 'package.json']);
    const cli = readdirSync(join(installed, 'dist', 'cli'));
    expect(cli).toContain('bin.js');
    expect(cli.some((f) => f.startsWith('bundle-pg-driver-'))).toBe(true);
  });

  it(
    'npx sluice: --version, init, new, up and status (embedded PGlite, the TypeScript config)',
    async () => {
      const version = await npx(app, ['--version']);
      expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });

      const init = await npx(app, ['init']);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('created sluice.config.ts');

      const created = await npx(app, ['new', 'add_x', '--ts']);
      expect(created.code, created.stderr).toBe(0);
      const files = readdirSync(join(app.dir, 'migrations')).sort();
      expect(files).toHaveLength(2);
      expect(files[1]).toMatch(/^\d{14}_add_x\.ts$/);
      // The TypeScript migration imports from 'sluice': jiti resolves it to the installed package.
      writeFileSync(
        join(app.dir, 'migrations', files[1]!),
        [
          "import { defineMigration } from 'sluice';",
          'export default defineMigration({',
          '  up: (db) => db.sql`CREATE TABLE x (id bigint PRIMARY KEY)`,',
          '  down: (db) => db.sql`DROP TABLE x`,',
          '});',
          '',
        ].join('\n'),
      );

      const up = await npx(app, ['up']);
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toContain('Applied 2 migration(s).');

      const status = await npx(app, ['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      const states = (JSON.parse(status.stdout) as { migrations: { name: string; state: string }[] })
        .migrations;
      expect(states.map((m) => [m.name, m.state])).toEqual([
        ['create_notes', 'applied'],
        ['add_x', 'applied'],
      ]);
    },
    INSTALL_MS,
  );

  it("exports: import('sluice') gives the library; deep imports are refused", async () => {
    const script = `
      const m = await import('sluice');
      const migrator = await m.createMigrator({ config: { database: process.argv[1], migrations: 'migrations' } });
      try {
        await migrator.up();
        const s = await migrator.status();
        console.log(JSON.stringify(s.entries.map((e) => e.state)));
      } finally {
        await migrator.close();
      }
      const pj = await import('sluice/package.json', { with: { type: 'json' } });
      console.log(pj.default.version);
      await import('sluice/dist/cli/main.js').catch((e) => console.log(e.code));
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script, db.url], app.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      JSON.stringify(['applied', 'applied']),
      pkg.version,
      'ERR_PACKAGE_PATH_NOT_EXPORTED',
    ]);
  });

  it("the README's library: lint, new, init, backfill status/resume, version schemas, search-path helpers", async () => {
    writeFileSync(join(app.dir, 'library.mjs'), LIBRARY_SCRIPT);
    const r = await run(process.execPath, ['library.mjs', db.url], app.dir);
    expect(r.code, r.stderr).toBe(0);
    const out = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as [string, unknown]),
    );
    expect(out).toEqual({
      lint: { rules: ['ban-drop-table'], errors: 1, sarifVersion: '2.1.0' },
      lintFormat: 'usage',
      init: [
        'fresh/sluice.config.ts',
        'fresh/migrations',
        expect.stringMatching(/^fresh\/migrations\/\d{14}_create_notes\.sql$/),
      ],
      new: expect.stringMatching(/^fresh\/migrations\/\d{14}_add_y\.sql$/),
      aborted: 'backfill-aborted',
      pending: ['tarball:items'],
      resumed: [{ id: 'tarball:items', rows: 300 }],
      progress: true,
      filled: 300,
      latestVersionSchema: null,
      versionSchema: expect.stringMatching(/^sluice_\d{14}_add_x$/),
      versionSchemaName: 'sluice_20240101120000_split_name',
      searchPath: [
        'SET search_path TO "sluice_x", "public"',
        'SET LOCAL search_path TO "sluice_x", "public"',
        '-c search_path="sluice_x","public"',
        'sluice_x, public',
      ],
      classes: ['additive', 'additive'],
    });
  });

  it('the library is typed: a strict TypeScript file using it compiles against the installed declarations', async () => {
    writeFileSync(join(app.dir, 'check.mts'), TYPED_SCRIPT);
    // The check can fail: a wrong type is reported (and only there).
    writeFileSync(
      join(app.dir, 'wrong.mts'),
      "import { lintMigrations } from 'sluice';\nexport const n: string = (await lintMigrations()).errors;\n",
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const options = ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck'];
    const r = await run(process.execPath, [tsc, ...options, 'check.mts', 'wrong.mts'], app.dir);
    expect(r.stdout.trim().split('\n')).toEqual([
      "wrong.mts(2,14): error TS2322: Type 'number' is not assignable to type 'string'.",
    ]);
  });
});

/**
 * Each call the README's library section promises, as a user's script would make it: one JSON
 * `[key, value]` line per result. Runs in the app after the tests above (its migrations are applied).
 */
const LIBRARY_SCRIPT = `
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import * as m from 'sluice';

const url = process.argv[2];
const show = (key, value) => console.log(JSON.stringify([key, value]));

mkdirSync('lint-me', { recursive: true });
writeFileSync('lint-me/1_drop.sql', '-- migrate:up\\nDROP TABLE legacy;\\n');
const lint = await m.lintMigrations({ paths: ['lint-me'], render: { format: 'sarif' } });
show('lint', { rules: lint.findings.map((f) => f.rule), errors: lint.errors, sarifVersion: JSON.parse(lint.output).version });
show('lintFormat', await m.lintMigrations({ render: { format: 'xml' } }).catch((e) => e instanceof m.UsageError && e.code));

mkdirSync('fresh');
show('init', m.initProject({ cwd: 'fresh' }).created);
show('new', (await m.newMigration('add y', { cwd: 'fresh' })).path);

const migrator = await m.createMigrator({ config: { database: url, migrations: 'migrations' } });
const events = [];
const watched = await m.createMigrator({ config: { database: url }, onEvent: (e) => events.push(e) });
try {
  await migrator.session((conn) => conn.query('CREATE TABLE items (id int PRIMARY KEY, done boolean NOT NULL DEFAULT false)'));
  await migrator.session((conn) => conn.query('INSERT INTO items (id) SELECT generate_series(1, 300)'));
  const spec = { id: 'tarball:items', mode: 'update', table: { schema: 'public', name: 'items' }, set: { done: 'true' } };
  const aborted = AbortSignal.abort(new Error('stopped'));
  show('aborted', await migrator.session((conn) => m.runBackfill(conn, spec, { signal: aborted })).catch((e) => e.code));
  show('pending', (await migrator.pendingBackfills()).map((b) => b.id));
  show('resumed', (await watched.resumeBackfills()).map((b) => ({ id: b.id, rows: b.rows })));
  show('progress', events.some((e) => e.type === 'progress'));
  show('filled', (await migrator.session((conn) => conn.query('SELECT count(*)::int AS n FROM items WHERE done'))).rows[0].n);

  show('latestVersionSchema', await migrator.latestVersionSchema());
  const [, addX] = migrator.files();
  show('versionSchema', await migrator.versionSchema(addX.version));
  show('versionSchemaName', m.versionSchemaName('20240101120000', 'split name'));
  const pool = new pg.Pool({ connectionString: url });
  try {
    const inside = await m.withSearchPathTransaction(pool, 'sluice_x', (c) => c.query('SHOW search_path'));
    show('searchPath', [
      m.searchPathStatement('sluice_x'),
      m.localSearchPathStatement('sluice_x'),
      m.searchPathOptions('sluice_x'),
      inside.rows[0].search_path,
    ]);
  } finally {
    await pool.end();
  }

  writeFileSync('migrations/20991231235959_later.sql', '-- migrate:up\\nCREATE TABLE later (id int);\\n');
  const { classes } = await migrator.classify(await migrator.status());
  show('classes', [classes.get(addX.version), classes.get('20991231235959')]);
} finally {
  await migrator.close();
  await watched.close();
}
`;

/** The same calls with their types spelled out: compiled with --strict against dist's declarations. */
const TYPED_SCRIPT = `
import {
  type BackfillResult,
  type BackfillStatus,
  createMigrator,
  type Finding,
  initProject,
  type InitResult,
  type LintMigrationsResult,
  lintMigrations,
  localSearchPathStatement,
  type MigrationClasses,
  newMigration,
  RefusedError,
  runBackfill,
  searchPathOptions,
  searchPathStatement,
  SluiceError,
  versionSchemaName,
} from 'sluice';

const report: LintMigrationsResult = await lintMigrations({ paths: ['lint-me'], pgVersion: 16, render: { format: 'github' } });
const findings: Finding[] = report.findings;
const errors: number = report.errors;
const output: string | undefined = report.output;
const fixed: { file: string; statements: number; rules: string[] }[] = report.fixed;
const init: InitResult = initProject({ cwd: 'fresh', dir: 'migrations' });
const made: { path: string } = await newMigration('x', { kind: 'ts', cwd: 'fresh' });
const migrator = await createMigrator({ overrides: { url: 'pglite:memory' } });
const pending: BackfillStatus[] = await migrator.pendingBackfills();
const resumed: BackfillResult[] = await migrator.resumeBackfills();
const latest: string | null = await migrator.latestVersionSchema();
const schema: string = await migrator.versionSchema('1');
const classes: MigrationClasses = await migrator.classify(await migrator.status());
const unknown: SluiceError | undefined = classes.pendingUnknown;
await migrator.session((conn) => runBackfill(conn, { id: 'b', mode: 'update', table: { schema: 'public', name: 't' }, set: { a: 'b' } }));
const strings: string[] = [versionSchemaName('1', 'a'), searchPathStatement('s'), localSearchPathStatement('s'), searchPathOptions('s')];
const refused: boolean = new RefusedError('drift', 'x') instanceof SluiceError;
export { errors, findings, fixed, init, latest, made, output, pending, refused, resumed, schema, strings, unknown };
`;
