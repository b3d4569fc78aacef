/**
 * Where the built binary finds its configuration: `.env`, `--env-file`, the `"sluice"` key of
 * package.json, named environments (`--env`, `SLUICE_ENV`), and what it says when the config is
 * ambiguous or wrong. "The real server is used" is checked on the server itself (the migration's
 * table is there) and by the absence of the embedded-PGlite note and of `.sluice/`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, json, migrationStates, sluice, tableMigration, tables } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { createPgDatabase } from '../helpers/databases.js';

const FALLBACK = 'No database configured';

const cli = cliSuite(() => createPgDatabase('cli'), {
  files: { 'migrations/1_one.sql': tableMigration('one') },
});
/** The database URL reaches sluice only as each test says (the config, .env…), never by default. */
const run = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> =>
  sluice(args, { cwd: cli.project.dir, env: { SLUICE_ENV: undefined, ...env } });

/** `up` went to the real server: the table is there, and nothing fell back to embedded PGlite. */
async function expectAppliedOnServer(up: CliResult): Promise<void> {
  expect(up.stderr).not.toContain(FALLBACK);
  expect(up.code).toBe(0);
  expect(await tables(cli.db.url)).toEqual(['one', 'sluice_migrations']);
  expect(existsSync(join(cli.project.dir, '.sluice'))).toBe(false);
}

describe('CLI: .env and --env-file', () => {
  it('DATABASE_URL in .env is used; its values are never printed; the real environment wins over it', async () => {
    cli.project.write('.env', `# local settings\nDATABASE_URL=${cli.db.url}\nAPI_TOKEN=tok-5ecret-value\n`);
    const up = await run(['up']);
    await expectAppliedOnServer(up);
    expect(await migrationStates((...a) => run(a))).toEqual(['1:applied']);
    const status = await run(['status']);
    expect(status.stdout.split('\n')[0]).toBe(`Database: ${cli.db.url}`);
    for (const r of [up, status]) expect(r.stdout + r.stderr).not.toContain('tok-5ecret-value');
    // A variable set in the real environment is not overridden by .env.
    const real = await run(['status', '--json'], { DATABASE_URL: 'mysql://u:hunter2@h/db' });
    expect(real.code).toBe(2);
    expect(json(real)).toMatchObject({
      error: 'config',
      message: 'Unsupported database URL mysql://u:***@h/db (from DATABASE_URL).',
    });
  });

  it('--env-file loads the named file instead of .env; a missing one fails naming it, nothing applied', async () => {
    cli.project.write('.env', 'DATABASE_URL=postgres://nobody@127.0.0.1:1/none\n');
    cli.project.write('env/ci.env', `DATABASE_URL=${cli.db.url}\n`);
    await expectAppliedOnServer(await run(['--env-file', 'env/ci.env', 'up']));
    cli.project.write('migrations/2_two.sql', tableMigration('two'));
    // Node's launcher checks a `--env-file` path anywhere in argv, even after the script, and exits
    // 9 (`node: <file>: not found`) before sluice starts (nodejs/node#54232): what a user sees.
    const missing = await run(['--env-file', 'env/nope.env', 'up']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('env/nope.env');
    // When node leaves the argument to sluice (after `--`), sluice's own check: exit 2 naming it.
    const own = await sluice(['--env-file', 'env/nope.env', 'up'], {
      cwd: cli.project.dir,
      nodeArgs: ['--'],
    });
    expect(own.code).toBe(2);
    expect(own.stderr).toMatch(/^error Env file env\/nope\.env does not exist\.\n/);
    const ownJson = await sluice(['--env-file', 'env/nope.env', 'up', '--json'], {
      cwd: cli.project.dir,
      nodeArgs: ['--'],
    });
    expect(json(ownJson)).toMatchObject({ error: 'config', file: 'env/nope.env' });
    expect(await tables(cli.db.url)).toEqual(['one', 'sluice_migrations']);
  });
});

describe('CLI: other config places', () => {
  it('the "sluice" key of package.json is the config; with a sluice.config file too, exit 2 naming both', async () => {
    cli.project.write('package.json', JSON.stringify({ name: 'app', sluice: { database: cli.db.url } }));
    await expectAppliedOnServer(await run(['up']));
    cli.project.write('sluice.config.json', '{}');
    const both = await run(['status']);
    expect(both.code).toBe(2);
    expect(both.stderr.split('\n')[0]).toBe(
      'error Found 2 configs: sluice.config.json and package.json ("sluice" key); sluice reads only one.',
    );
  });

  it('two config files: exit 2 naming both, nothing applied', async () => {
    cli.project.write('sluice.config.json', JSON.stringify({ database: cli.db.url }));
    cli.project.write('sluice.config.mjs', `export default { database: ${JSON.stringify(cli.db.url)} };\n`);
    const up = await run(['up']);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(
      'error Found 2 configs: sluice.config.mjs and sluice.config.json; sluice reads only one.',
    );
    expect(await tables(cli.db.url)).toEqual([]);
  });

  it('--env picks a block of "environments"; SLUICE_ENV too; an unknown name is exit 2 listing the known ones', async () => {
    cli.project.write(
      'sluice.config.json',
      JSON.stringify({
        database: 'postgres://nobody@127.0.0.1:1/none',
        environments: { production: { database: cli.db.url }, staging: { lockTimeout: '1s' } },
      }),
    );
    await expectAppliedOnServer(await run(['--env', 'production', 'up']));
    expect(await migrationStates((...a) => run(a, { SLUICE_ENV: 'production' }))).toEqual(['1:applied']);
    // DATABASE_URL still wins over the block (the documented order), and sluice says so.
    const shell = await run(['--env', 'production', 'status'], { DATABASE_URL: cli.db.url });
    expect(shell.code).toBe(0);
    expect(shell.stderr).toBe(
      'DATABASE_URL overrides "database" of environment "production" in sluice.config.json.\n',
    );
    const unknown = await run(['--env', 'prod', 'status']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe(
      'error Unknown environment "prod" (--env): sluice.config.json defines "production", "staging".',
    );
  });
});

describe('CLI: config errors', () => {
  it('every problem at once, in words, human and --json; nothing applied', async () => {
    cli.project.write(
      'sluice.config.json',
      JSON.stringify({
        database: cli.db.url,
        lockTimeout: '3 parsecs',
        transaction: 'sometimes',
        migration: 'm',
      }),
    );
    const up = await run(['up']);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(
      [
        'error Invalid config sluice.config.json, 3 problems:',
        '  transaction: expected one of "each", "all", "none" (got "sometimes")',
        '  lockTimeout: expected a duration such as 500ms, 3s, 2min (or a number of milliseconds) (got "3 parsecs")',
        '  migration: unknown key (did you mean "migrations"?)',
      ].join('\n'),
    );
    expect(up.stderr).not.toMatch(/regex|\\d|\^\\s/);
    const asJson = await run(['up', '--json']);
    expect(json(asJson)).toMatchObject({ error: 'config', file: 'sluice.config.json' });
    expect(json(asJson).problems).toHaveLength(3);
    expect(await tables(cli.db.url)).toEqual([]);
  });
});
