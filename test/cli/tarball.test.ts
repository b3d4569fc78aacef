/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` into a fresh project, and
 * the README's "In your own project" steps through `npx sluice`. This checks `files` (everything the
 * bundled CLI and the library load is in the tarball, nothing of src/ or test/ is), `bin` (npx finds
 * and runs it) and `exports` (`import('sluice')` works, deep imports are refused).
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
});
