/**
 * The binary's surface: version, help, usage errors, bad config and URLs, an unreachable server,
 * masked passwords, and the default embedded database.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, type Project, SLOW, sluice, tables, tempProject } from '../helpers/cli.js';
import { createPgDatabase } from '../helpers/databases.js';

const MIGRATION =
  '-- migrate:up\nCREATE TABLE one (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE one;\n';
const COMMANDS = ['init', 'new', 'up', 'down', 'status', 'history', 'baseline', 'accept'];

let project: Project;
const run = (args: string[], env: Record<string, string | undefined> = {}) =>
  sluice(args, { cwd: project.dir, env });

beforeEach(() => {
  project = tempProject();
});
afterEach(() => {
  project.remove();
});

describe('version and help', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-v']) {
      const r = await run([flag]);
      expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });

  it('--help lists every command, and each command has --help (exit 0)', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sluice \[options\] \[command\]\n/);
    const listed = [...r.stdout.split('Commands:\n')[1]!.matchAll(/^ {2}([a-z-]+)\b/gm)].map((m) => m[1]!);
    expect(listed).toEqual(expect.arrayContaining([...COMMANDS, 'help']));
    const commands = listed.filter((c) => c !== 'help');
    const helps = await Promise.all(commands.map((c) => run([c, '--help'])));
    commands.forEach((command, i) => {
      expect(helps[i]!.code, command).toBe(0);
      expect(helps[i]!.stdout).toMatch(new RegExp(`^Usage: sluice ${command}\\b`));
      expect(helps[i]!.stderr).toBe('');
    });
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    const command = await run(['migrate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("error: unknown command 'migrate'");
    const option = await run(['up', '--force']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("error: unknown option '--force'");
    const missing = await run(['baseline']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: missing required argument 'version'");
  });
});

describe('new', () => {
  it('refuses --sql with --ts and a name without letters (exit 2), creating nothing', async () => {
    const both = await run(['new', 'x', '--sql', '--ts']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('error Choose one of --sql and --ts.\n');
    const bad = await run(['new', '!!!', '--json']);
    expect(bad.code).toBe(2);
    expect(json(bad)).toEqual({
      error: 'usage',
      message: 'Invalid migration name "!!!": use letters and digits, e.g. add_users_email.',
    });
    expect(readdirSync(project.dir)).toEqual([]);
  });

  it('gives two migrations made in the same second distinct versions, in --dir', async () => {
    const a = await run(['new', 'a', '--dir', 'db/m']);
    const b = await run(['new', 'b', '--dir', 'db/m']);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toMatch(/^db\/m\/\d{14}_a\.sql\n$/);
    const files = readdirSync(join(project.dir, 'db/m'));
    expect(new Set(files.map((f) => f.slice(0, 14))).size).toBe(2);
  });
});

describe('bad config, exit 2, nothing applied', () => {
  beforeEach(() => {
    project.write('migrations/1_one.sql', MIGRATION);
  });
  const nothingCreated = () => expect(existsSync(join(project.dir, '.sluice'))).toBe(false);

  it('a JSON syntax error names the file and line', async () => {
    project.write('sluice.config.json', '{\n  "migrations": "migrations",\n  "lockRetries": 2,\n}\n');
    const r = await run(['up']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error Invalid JSON in sluice\.config\.json at line 4: /);
    nothingCreated();
  });

  it('a TypeScript syntax error names the file and line', async () => {
    project.write(
      'sluice.config.ts',
      "export default {\n  migrations: 'migrations'\n  lockRetries: 2,\n};\n",
    );
    const r = await run(['up']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error Cannot load config sluice\.config\.ts: /);
    expect(r.stderr).toContain('sluice.config.ts:3');
    nothingCreated();
  });

  it('an unknown key is named, with the file', async () => {
    project.write('sluice.config.json', '{ "migrations": "migrations", "lockTimeuot": "3s" }');
    const r = await run(['up', '--json']);
    expect(r.code).toBe(2);
    expect(json(r)).toEqual({
      error: 'config',
      message: 'Invalid config sluice.config.json: lockTimeuot: unknown key (did you mean "lockTimeout"?).',
      file: 'sluice.config.json',
      problems: ['lockTimeuot: unknown key (did you mean "lockTimeout"?)'],
      hint: 'Fix these in the config file; see the README section "Configuration".',
    });
    nothingCreated();
  });

  it('a --config file that does not exist', async () => {
    const r = await run(['status', '--config', 'nope.ts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error Config file nope\.ts does not exist\.\n/);
  });

  it('an unsupported URL scheme, from --url, DATABASE_URL or the config, never shows the password', async () => {
    const flag = await run(['up', '--url', 'mysql://u:hunter2@localhost/app']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(
      /^error Unsupported database URL mysql:\/\/u:\*\*\*@localhost\/app \(from --url\)\.\n {2}hint: /,
    );
    const env = await run(['up', '--json'], { DATABASE_URL: 'host=localhost password=hunter2' });
    expect(env.code).toBe(2);
    expect(json(env)).toMatchObject({ error: 'config' });
    project.write('sluice.config.json', '{ "database": "sqlite://u:hunter2@x/app.db" }');
    const file = await run(['status']);
    expect(file.code).toBe(2);
    for (const r of [flag, env, file]) expect(r.stdout + r.stderr).not.toContain('hunter2');
    nothingCreated();
  });
});

describe('database connection', () => {
  it('an unreachable server exits 1 and never shows the password', async () => {
    project.write('migrations/1_one.sql', MIGRATION);
    const url = 'postgres://u:hunter2@127.0.0.1:1/x';
    const human = await run(['up', '--url', url]);
    expect(human.code).toBe(1);
    expect(human.stderr).toBe(
      'error Cannot connect to postgres://u:***@127.0.0.1:1/x: connect ECONNREFUSED 127.0.0.1:1\n' +
        '  hint: Check that the server is running and the URL is right.\n',
    );
    const machine = await run(['status', '--json'], { DATABASE_URL: url });
    expect(machine.code).toBe(1);
    expect(json(machine)).toEqual({
      error: 'database',
      message: 'Cannot connect to postgres://u:***@127.0.0.1:1/x: connect ECONNREFUSED 127.0.0.1:1',
      sqlState: 'ECONNREFUSED',
      hint: 'Check that the server is running and the URL is right.',
    });
    const atSign = await run(['history'], { DATABASE_URL: 'postgres://u:hun@ter2@127.0.0.1:1/x' });
    expect(atSign.code).toBe(1);
    for (const r of [human, machine, atSign]) {
      expect(r.stdout + r.stderr).not.toContain('hunter2');
      expect(r.stdout + r.stderr).not.toContain('ter2');
    }
  });

  it('masks the password of a working server URL in status', async () => {
    const db = await createPgDatabase('cli');
    try {
      project.write('migrations/1_one.sql', MIGRATION);
      // The test server trusts local connections, so the password is sent but never checked.
      const url = db.url.replace('postgres@', 'postgres:hunter2@');
      const up = await run(['up'], { DATABASE_URL: url });
      expect(up.code).toBe(0);
      const status = await run(['status'], { DATABASE_URL: url });
      expect(status.code).toBe(0);
      expect(status.stdout.split('\n')[0]).toBe(`Database: ${db.url.replace('postgres@', 'postgres:***@')}`);
      for (const r of [up, status]) expect(r.stdout + r.stderr).not.toContain('hunter2');
      expect(await tables(db.url)).toEqual(['one', 'sluice_migrations']);
    } finally {
      await db.drop();
    }
  });

  it(
    'without a configured database, up uses embedded PGlite in .sluice/ and says so',
    async () => {
      project.write('migrations/1_one.sql', MIGRATION);
      const up = await run(['up']);
      expect(up.code).toBe(0);
      expect(up.stdout).toBe('Applied 1 migration(s).\n');
      expect(up.stderr.split('\n')[0]).toBe(
        'No database configured: using embedded PGlite at .sluice/db (set --url, DATABASE_URL in the environment or .env, or "database" in the config to use a server).',
      );
      expect(existsSync(join(project.dir, '.sluice/db'))).toBe(true);
      const status = await run(['status', '--json']);
      expect(status.code).toBe(0);
      expect(json(status)).toMatchObject({ current: '1', migrations: [{ version: '1', state: 'applied' }] });
      // With --json, notes on stderr are JSON lines too.
      expect(JSON.parse(status.stderr.split('\n')[0]!)).toEqual({
        type: 'note',
        message: expect.stringMatching(/^No database configured: using embedded PGlite at \.sluice\/db /),
      });
      expect(await tables(`pglite:${join(project.dir, '.sluice/db')}`)).toEqual(['one', 'sluice_migrations']);
    },
    SLOW,
  );
});
