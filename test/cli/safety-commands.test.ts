/**
 * `plan`, `lint` and the online commands (`complete`, `abort`, `schema`) through the built binary
 * on the real server.
 */
import { describe, expect, it } from 'vitest';
import { json, query, SLOW, sluice, statusRows } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { createPgDatabase } from '../helpers/databases.js';

const USERS =
  '-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text, first_name text, last_name text);\n' +
  "INSERT INTO users SELECT g, g || '@x', 'f' || g, 'l' || g FROM generate_series(1, 2000) g;\nANALYZE users;\n\n-- migrate:down\nDROP TABLE users;\n";

describe('plan, lint and online commands (real server)', { timeout: SLOW }, () => {
  const cli = cliSuite(() => createPgDatabase('cli_safety'), { url: 'flag' });
  const { run } = cli;

  it('plan shows locks, row estimates, rewrites, transactions, class and findings, and changes nothing', async () => {
    cli.project.write('migrations/1_users.sql', USERS);
    expect((await run('up')).code).toBe(0);
    cli.project.write(
      'migrations/2_index.sql',
      '-- migrate:up\nCREATE INDEX users_email ON users (email);\n',
    );
    cli.project.write(
      'migrations/3_typed.ts',
      "import { defineMigration } from 'sluice';\nexport default defineMigration({\n  async up(db) {\n    await db.addCheck('users', 'users_id_positive', 'id > 0');\n  },\n});\n",
    );
    const r = await run('plan', '--json');
    expect(r.code, r.stderr).toBe(0);
    const plan = json<{ migrations: any[] }>(r).migrations;
    expect(plan.map((m) => [m.version, m.class, m.inTransaction])).toEqual([
      ['2', 'additive', true],
      ['3', 'additive', false],
    ]);
    expect(plan[0].statements[0]).toMatchObject({
      line: 2,
      kind: 'CREATE INDEX',
      locks: [{ mode: 'SHARE', table: 'users', estimatedRows: 2000 }],
      scans: true,
      inTransaction: true,
    });
    expect(plan[0].findings.map((f: { rule: string }) => f.rule)).toContain(
      'require-concurrent-index-creation',
    );
    // The typed check compiles to NOT VALID, then a separate validation outside the transaction.
    expect(
      plan[1].statements.map((s: { sql: string; inTransaction: boolean }) => [
        s.sql.includes('NOT VALID'),
        s.inTransaction,
      ]),
    ).toEqual([
      [true, false],
      [false, false],
    ]);
    expect(plan[1].statements[1].locks).toEqual([
      { mode: 'SHARE UPDATE EXCLUSIVE', table: 'users', estimatedRows: 2000 },
    ]);
    const human = await run('plan');
    expect(human.stdout).toContain('SHARE on users (~2.0k rows)');
    expect(statusRows((await run('status')).stdout)).toEqual([
      'applied 1 users',
      'pending 2 index',
      'pending 3 typed',
    ]);
    // up refuses the unsafe index (exit 3) and applies nothing; --allow-unsafe applies.
    const refused = await run('up');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('require-concurrent-index-creation');
    expect(await query(cli.db.url, "SELECT to_regclass('users_email') AS i")).toEqual([{ i: null }]);
    expect((await run('up', '--allow-unsafe')).code).toBe(0);
  });

  it('lint needs no database, exits 3 on errors, and speaks json, github and sarif', async () => {
    cli.project.write('migrations/1_bad.sql', '-- migrate:up\nALTER TABLE users DROP COLUMN legacy;\n');
    cli.project.write(
      'migrations/2_ok.sql',
      '-- migrate:up\n-- sluice-ignore ban-drop-column: unused since v2\nALTER TABLE users DROP COLUMN legacy2;\n',
    );
    cli.project.write(
      'migrations/3_typed.ts',
      "import { defineMigration } from 'sluice';\nexport default defineMigration({ async up(db) { await db.addIndex('users', ['email'], { concurrently: false }); } });\n",
    );
    // A URL that cannot connect: lint must not try.
    const text = await sluice(['lint', '--url', 'postgres://u:p@127.0.0.1:1/none'], { cwd: cli.project.dir });
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('ban-drop-column');
    const { findings, errors } = json<{ findings: any[]; errors: number }>(
      await sluice(['lint', '--format', 'json'], { cwd: cli.project.dir }),
    );
    expect(errors).toBe(2);
    expect(findings.map((f) => [f.file, f.line, f.rule])).toEqual([
      ['migrations/1_bad.sql', 2, 'ban-drop-column'],
      ['migrations/3_typed.ts', 2, 'require-concurrent-index-creation'],
    ]);
    const github = await sluice(['lint', '--format', 'github'], { cwd: cli.project.dir });
    expect(github.stdout).toMatch(/^::error file=migrations\/1_bad\.sql,line=2,/m);
    const sarif = json<{ version: string; runs: { results: unknown[] }[] }>(
      await sluice(['lint', '--format', 'sarif'], { cwd: cli.project.dir }),
    );
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results).toHaveLength(2);
    cli.project.write('migrations/1_bad.sql', '-- migrate:up\nALTER TABLE users ADD COLUMN note text;\n');
    cli.project.write(
      'migrations/3_typed.ts',
      "import { defineMigration } from 'sluice';\nexport default defineMigration({ async up(db) { await db.addIndex('users', ['email']); } });\n",
    );
    expect((await sluice(['lint'], { cwd: cli.project.dir })).code).toBe(0);
  });

  it('runs an online migration through up, schema --latest, status, abort and complete', async () => {
    cli.project.write('migrations/1_users.sql', USERS);
    cli.project.write(
      'migrations/2_full_name.ts',
      "import { defineMigration } from 'sluice';\nexport default defineMigration({\n  online: true,\n  operations: (op) => [op.addColumn('users', 'full_name', { type: 'text', up: \"first_name || ' ' || last_name\" })],\n});\n",
    );
    expect((await run('up')).code).toBe(0);
    expect(statusRows((await run('status')).stdout)).toEqual(['applied 1 users', 'active 2 full_name']);
    const schema = (await run('schema', '--latest')).stdout.trim();
    expect(schema).toBe((await run('schema', '2')).stdout.trim());
    expect(await query(cli.db.url, `SELECT full_name FROM "${schema}".users WHERE id = 3`)).toEqual([
      { full_name: 'f3 l3' },
    ]);
    expect(json(await run('abort', '--json'))).toEqual({ aborted: '2' });
    expect(json(await run('abort', '--json'))).toEqual({ aborted: null });
    expect(statusRows((await run('status')).stdout)).toEqual(['applied 1 users', 'pending 2 full_name']);
    expect((await run('up')).code).toBe(0);
    expect(json(await run('complete', '--json'))).toEqual({ completed: '2' });
    expect(statusRows((await run('status')).stdout)).toEqual(['applied 1 users', 'applied 2 full_name']);
    expect(await query(cli.db.url, 'SELECT full_name FROM public.users WHERE id = 4')).toEqual([
      { full_name: 'f4 l4' },
    ]);
  });

  it('refuses, with exit 2, a replaceTable that would lose an index, naming it', async () => {
    cli.project.write(
      'migrations/1_users.sql',
      '-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text, nick text);\nCREATE INDEX users_nick_idx ON users (nick);\n',
    );
    cli.project.write(
      'migrations/2_drop_nick.ts',
      "import { defineMigration } from 'sluice';\nexport default defineMigration({\n  online: true,\n  operations: (op) => [op.replaceTable('users', { columns: [{ name: 'id', type: 'bigint' }, { name: 'email', type: 'text' }], primaryKey: ['id'] })],\n});\n",
    );
    const r = await run('up');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      'index "users_nick_idx" uses column "nick", which no column of the new table comes from',
    );
    expect(r.stderr).toContain('omit');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(statusRows((await run('status')).stdout)).toEqual(['applied 1 users', 'pending 2 drop_nick']);
    expect(await query(cli.db.url, `SELECT to_regclass('public._sluice_users') AS t`)).toEqual([{ t: null }]);
  });
});
