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
      target: { kind: 'pglite', dataDir: join(dir, '.sluice/db') },
      defaultDatabase: true,
      migrationsDir: join(dir, 'migrations'),
      historyTable: 'sluice_migrations',
      historySchema: 'public',
      transaction: 'each',
      lockTimeoutMs: 250,
      lockRetries: 60,
      lockRetryBudgetMs: 120_000,
      statementTimeoutMs: 0,
      lockWaitMs: 300_000,
      outOfOrder: false,
      lint: { pgVersion: undefined, rules: {} },
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
      target: { kind: 'pglite', dataDir: join(dir, 'data/db') },
      defaultDatabase: false,
      migrationsDir: join(dir, 'db/migrations'),
      historyTable: 'schema_history',
      historySchema: 'ops',
      transaction: 'all',
      lockTimeoutMs: 2000,
      lockRetryBudgetMs: 120_000,
      lockRetries: 0,
      statementTimeoutMs: 60_000,
      lockWaitMs: 60_000,
      outOfOrder: true,
      lint: { pgVersion: 14, rules: { 'some-rule': 'off' } },
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

  it('prefers sluice.config.ts over .json', async () => {
    write('sluice.config.json', '{ "lockRetries": 1 }');
    write('sluice.config.ts', 'export default { lockRetries: 7 };\n');
    expect((await loadConfig({ cwd: dir, env: {} })).lockRetries).toBe(7);
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
    expect(error.message).toBe('Unsupported database URL mysql://u:***@h/db.');
  });
});

describe('loadConfig: invalid config files', () => {
  it('names an unknown key and the file', async () => {
    write('sluice.config.json', '{\n  "databse": "pglite:memory"\n}\n');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toMatch(
      /^Invalid config sluice\.config\.json: \(root\): Unrecognized key: "databse"\./,
    );
    expect(error.message).toContain('Known keys: database, migrations,');
    expect(error.details.file).toBe('sluice.config.json');
  });

  it('names an unknown nested key', async () => {
    write('sluice.config.json', '{ "lint": { "rulez": {} } }');
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toMatch(/^Invalid config sluice\.config\.json: lint: Unrecognized key: "rulez"/);
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
    expect(error.message).toMatch(/^Invalid config sluice\.config\.mjs: \(root\): /);
  });
});
