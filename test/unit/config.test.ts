import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineConfig } from '../../src/config/define.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: defaults', () => {
  it('uses embedded PGlite in .sluice/db and migrations/ when nothing is configured', async () => {
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config).toEqual({
      configFile: null,
      root: dir,
      envFile: null,
      environment: null,
      notes: [],
      target: { kind: 'pglite', dataDir: join(dir, '.sluice/db') },
      defaultDatabase: true,
      migrationsDir: join(dir, 'migrations'),
      layout: 'sluice',
      historyTable: 'sluice_migrations',
      historySchema: 'public',
      transaction: 'each',
      lockTimeoutMs: 250,
      lockRetries: 60,
      lockRetryBudgetMs: 120_000,
      statementTimeoutMs: 0,
      lockWaitMs: 300_000,
      outOfOrder: false,
      lint: { pgVersion: undefined, rules: {}, startAfter: undefined },
    });
  });

  it('accepts a config object instead of a file', async () => {
    write('sluice.config.json', '{ "nonsense": true }');
    const config = await loadConfig({
      cwd: dir,
      env: {},
      config: defineConfig({ database: 'pglite:memory', lockTimeout: '1.5s', outOfOrder: true }),
    });
    expect(config.configFile).toBeNull();
    expect(config.target).toEqual({ kind: 'pglite', dataDir: null });
    expect(config.defaultDatabase).toBe(false);
    expect(config.lockTimeoutMs).toBe(1500);
    expect(config.outOfOrder).toBe(true);
  });
});

describe('loadConfig: config files', () => {
  it('reads sluice.config.json, resolving paths against its directory', async () => {
    const file = write(
      'sluice.config.json',
      JSON.stringify({
        database: 'pglite:./data/db',
        migrations: 'db/migrations',
        historyTable: 'schema_history',
        historySchema: 'ops',
        transaction: 'all',
        lockTimeout: '2s',
        lockRetries: 0,
        statementTimeout: 60000,
        lockWait: '1min',
        outOfOrder: true,
        lint: { pgVersion: 14, rules: { 'some-rule': 'off' } },
      }),
    );
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config).toEqual({
      configFile: file,
      root: dir,
      envFile: null,
      environment: null,
      notes: [],
      target: { kind: 'pglite', dataDir: join(dir, 'data/db') },
      defaultDatabase: false,
      migrationsDir: join(dir, 'db/migrations'),
      layout: 'sluice',
      historyTable: 'schema_history',
      historySchema: 'ops',
      transaction: 'all',
      lockTimeoutMs: 2000,
      lockRetryBudgetMs: 120_000,
      lockRetries: 0,
      statementTimeoutMs: 60_000,
      lockWaitMs: 60_000,
      outOfOrder: true,
      lint: { pgVersion: 14, rules: { 'some-rule': 'off' }, startAfter: undefined },
    });
  });

  it('reads a TypeScript config that imports defineConfig from sluice', async () => {
    const file = write(
      'sluice.config.ts',
      `import { defineConfig } from 'sluice';\nconst timeout: string = '4s';\nexport default defineConfig({ database: 'pglite:memory', lockTimeout: timeout });\n`,
    );
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.configFile).toBe(file);
    expect(config.target).toEqual({ kind: 'pglite', dataDir: null });
    expect(config.lockTimeoutMs).toBe(4000);
  });

  it('reads an .mjs config', async () => {
    write('sluice.config.mjs', `export default { migrations: 'mig', lockRetries: 2 };\n`);
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.migrationsDir).toBe(join(dir, 'mig'));
    expect(config.lockRetries).toBe(2);
  });

  it('two config files: an error naming both, not a silent choice', async () => {
    write('sluice.config.json', '{ "lockRetries": 1 }');
    write('sluice.config.ts', 'export default { lockRetries: 7 };\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      'Found 2 configs: sluice.config.ts and sluice.config.json; sluice reads only one.',
    );
    // --config settles it.
    const chosen = await loadConfig({ cwd: dir, env: {}, overrides: { config: 'sluice.config.json' } });
    expect(chosen.lockRetries).toBe(1);
  });

  it('reads the "sluice" key of package.json; with a config file too, an error names both', async () => {
    const pkg = write(
      'package.json',
      JSON.stringify({ name: 'app', sluice: { migrations: 'db/m', lockTimeout: '2s' } }),
    );
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.configFile).toBe(pkg);
    expect(config.migrationsDir).toBe(join(dir, 'db/m'));
    expect(config.lockTimeoutMs).toBe(2000);
    write('sluice.config.mjs', 'export default {};\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      'Found 2 configs: sluice.config.mjs and package.json ("sluice" key); sluice reads only one.',
    );
  });

  it('a package.json without a "sluice" key is not a config', async () => {
    write('package.json', '{ "name": "app" }');
    expect((await loadConfig({ cwd: dir, env: {} })).configFile).toBeNull();
  });

  it('names the "sluice" key of package.json in its problems', async () => {
    write('package.json', '{ "name": "app", "sluice": { "lockTimeout": "soon" } }');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      'Invalid config package.json "sluice": lockTimeout: expected a duration such as 500ms, 3s, 2min (or a number of milliseconds) (got "soon").',
    );
  });

  it('uses an explicit --config path; its directory is the root', async () => {
    const file = write('conf/custom.json', '{ "database": "pglite:db", "migrations": "m" }');
    const config = await loadConfig({ cwd: dir, env: {}, overrides: { config: 'conf/custom.json' } });
    expect(config.configFile).toBe(file);
    expect(config.root).toBe(join(dir, 'conf'));
    expect(config.migrationsDir).toBe(join(dir, 'conf/m'));
    expect(config.target).toEqual({ kind: 'pglite', dataDir: join(dir, 'conf/db') });
  });

  it('rejects a --config path that does not exist', async () => {
    const error = await configError(loadConfig({ cwd: dir, env: {}, overrides: { config: 'nope.json' } }));
    expect(error.message).toBe('Config file nope.json does not exist.');
    expect(error.details.file).toBe('nope.json');
  });
});

describe('loadConfig: precedence', () => {
  beforeEach(() => {
    write(
      'sluice.config.json',
      '{ "database": "postgres://file@localhost/file", "migrations": "from-file" }',
    );
  });

  it('the file applies without env or flags', async () => {
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.target).toEqual({ kind: 'postgres', url: 'postgres://file@localhost/file' });
    expect(config.defaultDatabase).toBe(false);
  });

  it('DATABASE_URL overrides the file; an empty DATABASE_URL does not', async () => {
    const env = { DATABASE_URL: 'postgres://env@localhost/env' };
    expect((await loadConfig({ cwd: dir, env })).target).toEqual({
      kind: 'postgres',
      url: 'postgres://env@localhost/env',
    });
    expect((await loadConfig({ cwd: dir, env: { DATABASE_URL: '' } })).target).toEqual({
      kind: 'postgres',
      url: 'postgres://file@localhost/file',
    });
  });

  it('flags override DATABASE_URL and the file', async () => {
    const config = await loadConfig({
      cwd: dir,
      env: { DATABASE_URL: 'postgres://env@localhost/env' },
      overrides: { url: 'pglite:./flag-db', dir: 'flag-migrations', outOfOrder: true },
    });
    // A relative path given on the command line is relative to the working directory.
    expect(config.target).toEqual({ kind: 'pglite', dataDir: join(dir, 'flag-db') });
    expect(config.migrationsDir).toBe(join(dir, 'flag-migrations'));
    expect(config.outOfOrder).toBe(true);
  });

  it('a bad URL from the environment is a ConfigError that masks the password', async () => {
    const error = await configError(
      loadConfig({ cwd: dir, env: { DATABASE_URL: 'mysql://u:hunter2@h/db' } }),
    );
    expect(error.message).toBe('Unsupported database URL mysql://u:***@h/db (from DATABASE_URL).');
  });
});

describe('loadConfig: invalid config files', () => {
  it('names an unknown key and the file', async () => {
    write('sluice.config.json', '{\n  "databse": "pglite:memory"\n}\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      'Invalid config sluice.config.json: databse: unknown key (did you mean "database"?).',
    );
    expect(error.details.file).toBe('sluice.config.json');
  });

  it('names an unknown nested key', async () => {
    write('sluice.config.json', '{ "lint": { "rulez": {} } }');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      'Invalid config sluice.config.json: lint.rulez: unknown key (did you mean "rules"?).',
    );
  });

  it('names the key of a bad value', async () => {
    write('sluice.config.ts', 'export default { transaction: "sometimes" };\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toMatch(/^Invalid config sluice\.config\.ts: transaction: /);
  });

  it.each([
    ['lockTimeout', '"3 parsecs"'],
    ['lockRetries', '-1'],
    ['lockRetries', '1.5'],
    ['historyTable', '""'],
    ['outOfOrder', '"yes"'],
    ['database', '42'],
  ])('rejects %s: %s', async (key, value) => {
    write('sluice.config.json', `{ "${key}": ${value} }`);
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toMatch(new RegExp(`^Invalid config sluice\\.config\\.json: ${key}: `));
  });

  it('names the line of a JSON syntax error', async () => {
    write('sluice.config.json', '{\n  "database": "pglite:memory",\n  "migrations": "m",\n}\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toMatch(/^Invalid JSON in sluice\.config\.json at line 4: /);
    expect(error.details).toMatchObject({ file: 'sluice.config.json', line: 4 });
  });

  it('a JSON syntax error next to the URL: the line, never the text around it', async () => {
    // V8's own message quotes the text around a bad token: `..."ase": 'postgres:/"...`.
    write('sluice.config.json', `{\n  "migrations": "m",\n  "database": 'postgres://u:hunter2@h/db'\n}\n`);
    const quoted = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(quoted.message).toBe('Invalid JSON in sluice.config.json at line 3: Unexpected token.');
    expect(quoted.cause).toBeUndefined();
    write('sluice.config.json', '{"database": "postgres://u:hunter2@h/db" "x": 1}');
    const positioned = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(positioned.message).toBe(
      "Invalid JSON in sluice.config.json at line 1: Expected ',' or '}' after property value.",
    );
  });

  it('masks a URL quoted by a config that throws', async () => {
    write('sluice.config.mjs', 'throw new Error("no postgres://u:hun ter2@h/db for you");\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe('Cannot load config sluice.config.mjs: no postgres://u:***@h/db for you');
  });

  it('a config "file" that is a directory or a dangling symlink: exit 2 naming it, not a crash or the defaults', async () => {
    mkdirSync(join(dir, 'sluice.config.json'));
    const folder = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(folder.message).toBe('Config file sluice.config.json is not a file.');
    rmSync(join(dir, 'sluice.config.json'), { recursive: true });
    symlinkSync('nowhere.ts', join(dir, 'sluice.config.ts'));
    const link = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(link.message).toBe(
      'Config file sluice.config.ts is a symbolic link to nowhere.ts, which does not exist.',
    );
    const explicit = await configError(loadConfig({ cwd: dir, env: {}, overrides: { config: '.' } }));
    expect(explicit.message).toBe('Config file . is not a file.');
  });

  it('names the file of a TypeScript syntax error', async () => {
    write('sluice.config.ts', 'export default {\n  database: "pglite:memory"\n  lockRetries: 1,\n};\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toMatch(/^Cannot load config sluice\.config\.ts: /);
    expect(error.message).toContain('sluice.config.ts:3');
    expect(error.details.file).toBe('sluice.config.ts');
  });

  it('names the file of a config that throws', async () => {
    write('sluice.config.mjs', 'throw new Error("no config for you");\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe('Cannot load config sluice.config.mjs: no config for you');
  });

  it('rejects a config whose default export is not an object', async () => {
    write('sluice.config.mjs', 'export default "pglite:memory";\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      'Invalid config sluice.config.mjs: (the whole config): expected an object (got "pglite:memory").',
    );
  });
});

describe('loadConfig: every problem at once, in words', () => {
  it('lists each problem as key: what is wrong (got …), durations without a regex', async () => {
    write(
      'sluice.config.json',
      JSON.stringify({
        databse: 'postgres://u:hunter2@h/db',
        lockTimeout: '3 parsecs',
        lockRetries: 1.5,
        transaction: 'sometimes',
        historyTable: '',
        zzz: 1,
        environments: { production: { lockWait: 'forever', database: 42 } },
      }),
    );
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      [
        'Invalid config sluice.config.json, 8 problems:',
        '  historyTable: must not be empty (got "")',
        '  transaction: expected one of "each", "all", "none" (got "sometimes")',
        '  lockTimeout: expected a duration such as 500ms, 3s, 2min (or a number of milliseconds) (got "3 parsecs")',
        '  lockRetries: expected an integer (got 1.5)',
        '  environments.production.database: expected a string (got 42)',
        '  environments.production.lockWait: expected a duration such as 500ms, 3s, 2min (or a number of milliseconds) (got "forever")',
        '  databse: unknown key (did you mean "database"?)',
        '  zzz: unknown key (known keys: database, migrations, layout, historyTable, historySchema, transaction, lockTimeout, lockRetries, lockRetryBudget, statementTimeout, lockWait, outOfOrder, lint, environments)',
      ].join('\n'),
    );
    expect(error.details.problems).toHaveLength(8);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toMatch(/\\d|\^/);
  });

  it('never shows the value of a database key', async () => {
    write('sluice.config.json', '{ "database": "" , "environments": { "x": { "database": "" } } }');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toContain('database: must not be empty (got a string)');
  });
});

describe('loadConfig: .env and --env-file', () => {
  it('loads .env from the config file directory without overriding the real environment', async () => {
    write('conf/sluice.config.json', '{ "database": "postgres://file@h/file" }');
    const envFile = write(
      'conf/.env',
      'DATABASE_URL=postgres://dotenv@h/dotenv\nOTHER=from-dotenv\nSET=from-dotenv\n',
    );
    write('.env', 'DATABASE_URL=postgres://wrong-dir@h/x\n');
    const env: NodeJS.ProcessEnv = { SET: 'real' };
    const config = await loadConfig({ cwd: dir, env, overrides: { config: 'conf/sluice.config.json' } });
    expect(config.envFile).toBe(envFile);
    expect(config.target).toEqual({ kind: 'postgres', url: 'postgres://dotenv@h/dotenv' });
    expect(env).toEqual({ SET: 'real', OTHER: 'from-dotenv', DATABASE_URL: 'postgres://dotenv@h/dotenv' });
    const real = await loadConfig({
      cwd: dir,
      env: { DATABASE_URL: 'postgres://real@h/real' },
      overrides: { config: 'conf/sluice.config.json' },
    });
    expect(real.target).toEqual({ kind: 'postgres', url: 'postgres://real@h/real' });
  });

  it('a .env in the working directory when there is no config file; a TS config sees its values', async () => {
    write('.env', 'MY_DB=pglite:memory\n');
    write('sluice.config.ts', 'export default { database: process.env.MY_DB };\n');
    const env = process.env;
    try {
      const config = await loadConfig({ cwd: dir });
      expect(config.target).toEqual({ kind: 'pglite', dataDir: null });
    } finally {
      delete env.MY_DB;
    }
  });

  it('--env-file replaces .env; a missing one is an error naming it', async () => {
    write('.env', 'DATABASE_URL=postgres://dotenv@h/dotenv\n');
    write('ci.env', 'DATABASE_URL=postgres://ci@h/ci\n');
    const config = await loadConfig({ cwd: dir, env: {}, overrides: { envFile: 'ci.env' } });
    expect(config.target).toEqual({ kind: 'postgres', url: 'postgres://ci@h/ci' });
    const error = await configError(loadConfig({ cwd: dir, env: {}, overrides: { envFile: 'nope.env' } }));
    expect(error.message).toBe('Env file nope.env does not exist.');
    expect(error.details.file).toBe('nope.env');
  });

  it('a bad URL from .env says so, masked', async () => {
    write('.env', 'DATABASE_URL=mysql://u:hunter2@h/db\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe('Unsupported database URL mysql://u:***@h/db (from DATABASE_URL in .env).');
  });
});

describe('loadConfig: named environments', () => {
  beforeEach(() => {
    write(
      'sluice.config.json',
      JSON.stringify({
        database: 'postgres://dev@h/dev',
        lockTimeout: '250ms',
        lockRetries: 3,
        environments: { production: { database: 'postgres://prod@h/prod', lockTimeout: '1s' }, staging: {} },
      }),
    );
  });

  it('--env lays the block over the top-level keys; SLUICE_ENV picks it too', async () => {
    const config = await loadConfig({ cwd: dir, env: {}, overrides: { environment: 'production' } });
    expect(config.environment).toBe('production');
    expect(config.target).toEqual({ kind: 'postgres', url: 'postgres://prod@h/prod' });
    expect(config.lockTimeoutMs).toBe(1000);
    expect(config.lockRetries).toBe(3);
    const fromEnv = await loadConfig({ cwd: dir, env: { SLUICE_ENV: 'production' } });
    expect(fromEnv.target).toEqual({ kind: 'postgres', url: 'postgres://prod@h/prod' });
    expect(fromEnv.notes).toEqual([]);
    // DATABASE_URL still wins over the block (the documented order), and a note says so.
    const overridden = await loadConfig({
      cwd: dir,
      env: { DATABASE_URL: 'postgres://shell@h/shell' },
      overrides: { environment: 'production' },
    });
    expect(overridden.target).toEqual({ kind: 'postgres', url: 'postgres://shell@h/shell' });
    expect(overridden.notes).toEqual([
      'DATABASE_URL overrides "database" of environment "production" in sluice.config.json.',
    ]);
    const none = await loadConfig({ cwd: dir, env: {} });
    expect(none.environment).toBeNull();
    expect(none.target).toEqual({ kind: 'postgres', url: 'postgres://dev@h/dev' });
  });

  it('an unknown name is an error listing the known ones', async () => {
    const error = await configError(loadConfig({ cwd: dir, env: {}, overrides: { environment: 'prod' } }));
    expect(error.message).toBe(
      'Unknown environment "prod" (--env): sluice.config.json defines "production", "staging".',
    );
    write(
      'sluice.config.mjs',
      'export default { database: "postgres://dev@h/dev", environments: { production: { database: process.env.UNSET_PROD_URL } } };\n',
    );
    const unset = await configError(
      loadConfig({
        cwd: dir,
        env: {},
        overrides: { config: 'sluice.config.mjs', environment: 'production' },
      }),
    );
    expect(unset.message).toBe('Environment "production" in sluice.config.mjs sets "database" to undefined.');
    rmSync(join(dir, 'sluice.config.mjs'));
    const fromEnv = await configError(loadConfig({ cwd: dir, env: { SLUICE_ENV: 'constructor' } }));
    expect(fromEnv.message).toMatch(/^Unknown environment "constructor" \(SLUICE_ENV\)/);
  });
});
