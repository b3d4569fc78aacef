/**
 * Bad input and failures through the built binary on the real server (see SERVER_TARGETS): each names the
 * file (and line), exits with its code, and leaves nothing applied that should not be.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, SERVER_TARGETS, SLOW, tableMigration, tables } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';

describe.each(SERVER_TARGETS)('CLI errors on $label', { timeout: SLOW }, ({ create }) => {
  const cli = cliSuite(create);
  const { run, states } = cli;

  it('a failing statement: exit 1 naming file:line and SQLSTATE; the migration before it stays applied', async () => {
    cli.project.write('migrations/1_first.sql', tableMigration('first'));
    cli.project.write(
      'migrations/2_second.sql',
      '-- migrate:up\nCREATE TABLE second (id bigint PRIMARY KEY);\n\nINSERT INTO second VALUES (1);\nINSERT INTO nope VALUES (1);\n',
    );
    cli.project.write('migrations/3_third.sql', tableMigration('third'));
    const r = await run('up');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^applied {2}1_first \(.+\)$/m);
    expect(r.stderr).toContain(
      'error Migration 2_second (up) failed at migrations/2_second.sql:5:13: relation "nope" does not exist [42P01]\n' +
        '  statement: INSERT INTO nope VALUES (1)\n',
    );
    expect(await states()).toEqual(['1:applied', '2:pending', '3:pending']);
    expect(await tables(cli.db.url)).toEqual(['first', 'sluice_migrations']);

    // The same error as JSON on stdout.
    const j = await run('up', '--json');
    expect(j.code).toBe(1);
    expect(json(j)).toEqual({
      error: 'migration-failed',
      message:
        'Migration 2_second (up) failed at migrations/2_second.sql:5:13: relation "nope" does not exist [42P01]',
      file: 'migrations/2_second.sql',
      line: 5,
      column: 13,
      statement: 'INSERT INTO nope VALUES (1)',
      statementIndex: 2,
      sqlState: '42P01',
    });
  });

  it('a TypeScript migration with a failing db.sql or that throws: exit 1 naming the file and line', async () => {
    cli.project.write('migrations/1_first.sql', tableMigration('first'));
    const ts = (body: string) =>
      `import { defineMigration } from 'sluice';\n\nexport default defineMigration({\n  async up(db) {\n    await db.sql\`CREATE TABLE \${db.ident('made')} (id bigint PRIMARY KEY)\`;\n${body}\n  },\n});\n`;
    cli.project.write(
      'migrations/2_code.ts',
      ts(`    await db.sql\`INSERT INTO \${db.ident('nope')} VALUES (\${1})\`;`),
    );
    const failing = await run('up');
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain(
      'error Migration 2_code (up) failed at migrations/2_code.ts:6: relation "nope" does not exist [42P01]\n' +
        '  statement: INSERT INTO "nope" VALUES ($1)\n',
    );

    cli.project.write('migrations/2_code.ts', ts("    throw new Error('no way');"));
    const throwing = await run('up', '--json');
    expect(throwing.code).toBe(1);
    expect(json(throwing)).toEqual({
      error: 'migration-failed',
      message: 'Migration 2_code (up) failed at migrations/2_code.ts:6: no way',
      file: 'migrations/2_code.ts',
      line: 6,
      hint: 'Fix the error in the migration file.',
    });
    expect(await states()).toEqual(['1:applied', '2:pending']);
    expect(await tables(cli.db.url)).toEqual(['first', 'sluice_migrations']);
  });

  it('malformed migration files: exit 2 naming the file and line; nothing applied', async () => {
    cli.project.write('migrations/1_first.sql', tableMigration('first'));
    cli.project.write('migrations/2_nomarker.sql', 'CREATE TABLE second (id bigint PRIMARY KEY);\n');
    const noMarker = await run('up');
    expect(noMarker.code).toBe(2);
    expect(noMarker.stderr).toMatch(
      /^error migrations\/2_nomarker\.sql: no "-- migrate:up" marker\n {2}hint: /,
    );

    rmSync(join(cli.project.dir, 'migrations/2_nomarker.sql'));
    cli.project.write(
      'migrations/2_dollar.sql',
      '-- migrate:up\nCREATE TABLE second (id bigint PRIMARY KEY);\nCREATE FUNCTION f() RETURNS int AS $body$\n  SELECT 1;\n',
    );
    const dollar = await run('up', '--json');
    expect(dollar.code).toBe(2);
    expect(json(dollar)).toMatchObject({
      error: 'migration-file',
      message: expect.stringMatching(
        /^Unterminated dollar-quoted string \$body\$ starting at migrations\/2_dollar\.sql:3:/,
      ),
      file: 'migrations/2_dollar.sql',
      line: 3,
    });

    rmSync(join(cli.project.dir, 'migrations/2_dollar.sql'));
    cli.project.write('migrations/2-misnamed.sql', tableMigration('second'));
    const misnamed = await run('up');
    expect(misnamed.code).toBe(2);
    expect(misnamed.stderr).toMatch(
      /^error Migration file migrations\/2-misnamed\.sql is not named <version>_<name>\.sql\.\n/,
    );
    expect(await run('status')).toMatchObject({ code: 2 });

    rmSync(join(cli.project.dir, 'migrations/2-misnamed.sql'));
    expect(await states()).toEqual(['1:pending']);
    expect(await tables(cli.db.url)).toEqual(['sluice_migrations']);
  });

  it('what is on disk: --dir at a file, a directory or a dangling symlink named like a migration, invalid UTF-8, conflicting marker options: exit 2, the path, what to do, no stack trace', async () => {
    cli.project.write('migrations/1_first.sql', tableMigration('first'));
    const noStack = (r: { stdout: string; stderr: string }) =>
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/internal error|^\s+at .+:\d+/m);

    const file = await run('status', '--dir', 'migrations/1_first.sql');
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(
      'error Migrations directory migrations/1_first.sql is not a directory.\n' +
        '  hint: Point --dir / "migrations" in the config at the directory that holds the migration files, not at a file.\n',
    );
    const fileJson = await run('up', '--json', '--dir', 'migrations/1_first.sql');
    expect(fileJson.code).toBe(2);
    expect(json(fileJson)).toMatchObject({ error: 'migrations-dir', file: 'migrations/1_first.sql' });

    mkdirSync(join(cli.project.dir, 'migrations/2_folder.sql'));
    const folder = await run('up');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(
      /^error Migration file migrations\/2_folder\.sql is a directory, not a file\.\n {2}hint: Rename or move the directory/,
    );
    noStack(folder);
    rmSync(join(cli.project.dir, 'migrations/2_folder.sql'), { recursive: true });

    symlinkSync('nowhere/3_gone.sql', join(cli.project.dir, 'migrations/3_link.sql'));
    const link = await run('status', '--json');
    expect(link.code).toBe(2);
    expect(json(link)).toEqual({
      error: 'migration-unreadable',
      message:
        'Migration file migrations/3_link.sql is a symbolic link to nowhere/3_gone.sql, which does not exist.',
      file: 'migrations/3_link.sql',
      hint: 'Point the link at the migration file, or remove it.',
    });
    rmSync(join(cli.project.dir, 'migrations/3_link.sql'));

    // Latin-1 "é" (0xe9) in a string on line 3: once silently applied as U+FFFD.
    const head = "-- migrate:up\nCREATE TABLE named (name text);\nINSERT INTO named VALUES ('caf";
    writeFileSync(
      join(cli.project.dir, 'migrations/2_latin1.sql'),
      Buffer.concat([Buffer.from(head), Buffer.from([0xe9]), Buffer.from("');\n")]),
    );
    const latin1 = await run('up', '--json');
    expect(latin1.code).toBe(2);
    expect(json(latin1)).toMatchObject({
      error: 'migration-encoding',
      message: `migrations/2_latin1.sql:3: not valid UTF-8: byte 0xe9 at byte offset ${head.length} (byte 31 of line 3).`,
      file: 'migrations/2_latin1.sql',
      line: 3,
      byteOffset: head.length,
    });
    rmSync(join(cli.project.dir, 'migrations/2_latin1.sql'));

    cli.project.write(
      'migrations/2_options.sql',
      '-- migrate:up transaction:false transaction:true\nCREATE INDEX CONCURRENTLY first_id ON first (id);\n',
    );
    const options = await run('up');
    expect(options.code).toBe(2);
    expect(options.stderr).toMatch(
      /^error migrations\/2_options\.sql:1: the option "transaction" is given twice \("transaction:true" after transaction:false\)\n/,
    );
    noStack(options);
    rmSync(join(cli.project.dir, 'migrations/2_options.sql'));

    // Nothing was applied by any of them.
    expect(await states()).toEqual(['1:pending']);
    expect(await tables(cli.db.url)).toEqual(['sluice_migrations']);
  });

  it('a URL pg cannot use (an ssl file that is missing), or typed where a command goes: masked, no stack trace', async () => {
    cli.project.write('migrations/1_first.sql', tableMigration('first'));
    const base = new URL(cli.db.url);
    const url = `postgres://postgres:hun%2Fter2@${base.host}${base.pathname}?sslmode=require&sslrootcert=/nonexistent/ca.pem`;
    for (const args of [['status'], ['up', '--json']]) {
      const r = await run(...args, '--url', url);
      expect(r.code).toBe(2);
      const output = r.stdout + r.stderr;
      expect(output).toContain(
        `Invalid database URL postgres://postgres:***@${base.host}${base.pathname}?sslmode=require`,
      );
      expect(output).toContain("ENOENT: no such file or directory, open '/nonexistent/ca.pem'");
      expect(output).not.toMatch(/hun|ter2|internal error|^\s+at /m);
    }
    const misplaced = await run('postgres://u:hunter2@h/db');
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain("unknown command 'postgres://u:***@h/db'");
  });

  it('unknown targets: exit 2, nothing applied or reverted', async () => {
    cli.project.write('migrations/1_first.sql', tableMigration('first'));
    cli.project.write('migrations/2_second.sql', tableMigration('second'));
    expect(await run('up', '+1')).toMatchObject({ code: 0 });

    const up = await run('up', '123');
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(
      'error Unknown target version 123: no migration file has it.\n  hint: Run `sluice status` to see the versions.\n',
    );
    const badUp = await run('up', 'latest', '--json');
    expect(badUp.code).toBe(2);
    expect(json(badUp)).toEqual({
      error: 'usage',
      message: 'Invalid up target "latest".',
      hint: 'Use head, +N (e.g. +1) or a version (e.g. 20240101120000).',
    });
    const down = await run('down', 'foo', '--yes');
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^error Invalid down target "foo"\.\n/);
    const downVersion = await run('down', '2', '--yes');
    expect(downVersion.code).toBe(2);
    expect(downVersion.stderr).toMatch(/^error Unknown target version 2: it is not applied\.\n/);
    const baseline = await run('baseline', '9');
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toMatch(/^error Unknown baseline version 9: no migration file has it\.\n/);

    expect(await states()).toEqual(['1:applied', '2:pending']);
    expect(await tables(cli.db.url)).toEqual(['first', 'sluice_migrations']);
  });
});
