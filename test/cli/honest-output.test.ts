/**
 * Honest errors and output (issue 10) through the built binary on the real server: a syntax error
 * is a bad file, an unsafe migration stops the run after the clean ones before it, misnamed files
 * are errors, `down -N` says when it reverts fewer, `schema --latest` and `status --check` exit
 * non-zero when there is nothing to give or something to do, durations are real, and `--json`,
 * `--verbose` and `--quiet` shape stderr.
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

/** Every stderr line parsed as JSON (fails on a line that is not). */
function jsonLines(stderr: string): { type: string; [key: string]: unknown }[] {
  return stderr
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

describe.each(SERVER_TARGETS)('honest errors and output on $label', { timeout: SLOW }, ({ create }) => {
  const cli = cliSuite(create, {
    files: {
      'migrations/1_one.sql': tableMigration('one'),
    },
  });
  const { run } = cli;

  it('a syntax error is a bad file (exit 2, line and column), even with --allow-unsafe; nothing is applied', async () => {
    cli.project.write('migrations/2_bad.sql', '-- migrate:up\nSELECT 1;\n  SELEC oops;\n');
    const up = await run('up');
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('error Migration migrations/2_bad.sql does not parse at line 3, column 3:');
    expect(up.stderr).not.toContain('--allow-unsafe');
    const allowed = await run('up', '--allow-unsafe', '--json');
    expect(allowed.code).toBe(2);
    expect(json(allowed)).toMatchObject({
      error: 'migration-file',
      file: 'migrations/2_bad.sql',
      line: 3,
      column: 3,
    });
    expect((await run('up', '--dry-run')).code).toBe(2);
    expect(await tables(cli.db.url)).toEqual(['sluice_migrations']);
  });

  it('an unsafe migration: the clean ones before it are applied, then exit 3 naming it and them', async () => {
    expect((await run('up')).code).toBe(0);
    // A row: an index build on an empty table blocks nobody and is not refused.
    await query(cli.db.url, 'INSERT INTO one VALUES (1)');
    cli.project.write('migrations/2_two.sql', tableMigration('two'));
    cli.project.write('migrations/3_index.sql', '-- migrate:up\nCREATE INDEX one_id ON one (id);\n');
    cli.project.write('migrations/4_four.sql', tableMigration('four'));
    const up = await run('up');
    expect(up.code).toBe(3);
    expect(up.stderr).toMatch(/^applied {2}2_two /m);
    expect(up.stderr).toContain(
      'error Applied 1 earlier migration(s) with no unsafe findings (2_two), then stopped. Refusing to apply 3_index: the linter found 1 unsafe statement(s):',
    );
    expect(await migrationStates(run)).toEqual(['1:applied', '2:applied', '3:pending', '4:pending']);

    // Nothing clean before it: nothing applied, and the JSON error says so.
    const again = await run('up', '--json');
    expect(again.code).toBe(3);
    expect(json(again)).toMatchObject({ error: 'unsafe', version: '3', applied: [] });
    expect(again.stdout).not.toContain('Applied');
    expect(await tables(cli.db.url)).toEqual(['one', 'sluice_migrations', 'two']);
  });

  it('--json: the refusal names what was applied, and progress on stderr is JSON lines', async () => {
    // A table from before this run (dropping one this run created would not be refused).
    await query(cli.db.url, 'CREATE TABLE legacy (id int)');
    cli.project.write('migrations/2_two.sql', tableMigration('two'));
    cli.project.write('migrations/3_drop.sql', '-- migrate:up\nDROP TABLE legacy;\n');
    const up = await run('up', '--json');
    expect(up.code).toBe(3);
    expect(json(up)).toMatchObject({
      error: 'unsafe',
      version: '3',
      applied: [
        { version: '1', name: 'one' },
        { version: '2', name: 'two' },
      ],
    });
    const events = jsonLines(up.stderr);
    expect(events.filter((e) => e.type === 'migration-done').map((e) => e.version)).toEqual(['1', '2']);
    expect(events.some((e) => e.type === 'note' && String(e.message).includes('ban-drop-table'))).toBe(true);
    expect(await tables(cli.db.url)).toEqual(['legacy', 'one', 'sluice_migrations', 'two']);
  });

  it('an upper-case extension, a shortened timestamp and an impossible date are errors (exit 2)', async () => {
    cli.project.write('migrations/1_one.sql', '');
    cli.newProject();
    cli.project.write('migrations/20250101000000_a.sql', tableMigration('a'));
    cli.project.write('migrations/20250102000000_b.SQL', tableMigration('b'));
    const upper = await run('up');
    expect(upper.code).toBe(2);
    expect(upper.stderr).toContain(
      'error Migration file migrations/20250102000000_b.SQL has an upper-case extension .SQL.\n  hint: Rename it to end in .sql.',
    );

    cli.project.write('migrations/20250102000000_b.SQL', '');
    cli.newProject();
    cli.project.write('migrations/20250101000000_a.sql', tableMigration('a'));
    cli.project.write('migrations/20250102000000_b.sql', tableMigration('b'));
    cli.project.write('migrations/2025_bad_version.sql', tableMigration('bad'));
    const mixed = await run('status', '--json');
    expect(mixed.code).toBe(2);
    expect(json(mixed)).toMatchObject({ error: 'migration-file', file: 'migrations/2025_bad_version.sql' });
    expect(json(mixed).message).toContain('does not use YYYYMMDDHHMMSS timestamps');

    cli.newProject();
    cli.project.write('migrations/20251301000000_month13.sql', tableMigration('m'));
    const date = await run('up');
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('has version 20251301000000, which is not a UTC date and time');
    expect(await tables(cli.db.url)).toEqual(['sluice_migrations']);
  });

  it('new keeps a directory numbered in sequence numbered in sequence', async () => {
    cli.project.write('migrations/0002_two.sql', tableMigration('two'));
    const made = await run('new', 'three', '--json');
    expect(made.code).toBe(0);
    expect(json(made)).toEqual({ path: 'migrations/0003_three.sql' });
  });

  it('down -5 with 2 applied says it reverts 2', async () => {
    cli.project.write('migrations/2_two.sql', tableMigration('two'));
    expect((await run('up')).code).toBe(0);
    const down = await run('down', '-5', '--yes');
    expect(down.code).toBe(0);
    expect(down.stderr).toContain('Asked to revert 5 migration(s), but only 2 can be: reverting 2.\n');
    expect(down.stdout).toBe('Reverted 2 migration(s).\n');
    const exact = await run('up');
    expect(exact.code).toBe(0);
    expect((await run('down', '-2', '--yes')).stderr).not.toContain('Asked to revert');
  });

  it('schema --latest with no version schema exits 1 with a message, stdout empty', async () => {
    const r = await run('schema', '--latest');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error No version schema exists: no online migration has run.');
    const j = await run('schema', '--latest', '--json');
    expect(j.code).toBe(1);
    expect(json(j)).toMatchObject({ error: 'no-version-schema' });
  });

  it('status --check: 1 when pending, 0 when up to date, 3 when drifted or missing', async () => {
    const pending = await run('status', '--check');
    expect(pending.code).toBe(1);
    expect(pending.stderr).toContain('status --check: pending: 1_one.');
    expect((await run('status')).code).toBe(0);
    expect((await run('up')).code).toBe(0);
    expect(await run('status', '--check')).toMatchObject({ code: 0, stderr: '' });
    cli.project.write(
      'migrations/1_one.sql',
      tableMigration('one').replace('PRIMARY KEY', 'PRIMARY KEY, x int'),
    );
    cli.project.write('migrations/2_two.sql', tableMigration('two'));
    const drifted = await run('status', '--check', '--json');
    expect(drifted.code).toBe(3);
    expect(json(drifted).migrations.map((m: { state: string }) => m.state)).toEqual(['drifted', 'pending']);
    expect(jsonLines(drifted.stderr)).toEqual([
      { type: 'note', message: 'status --check: drifted or missing: 1_one.' },
    ]);
  });

  it('history keeps the duration the server measured (not 0.0 ms)', async () => {
    cli.project.write('migrations/2_sleep.sql', '-- migrate:up\nSELECT pg_sleep(0.3);\n');
    expect((await run('up')).code).toBe(0);
    const rows = json<{ version: string; durationMs: number }[]>(await run('history', '--json'));
    // A lower bound only: the statement sleeps 300 ms inside the measured span.
    expect(rows.find((r) => r.version === '2')!.durationMs).toBeGreaterThanOrEqual(300);
  });

  it('--verbose prints each statement with its place and duration; --quiet prints only errors', async () => {
    cli.project.write(
      'migrations/2_two.sql',
      '-- migrate:up\nCREATE TABLE two (id int);\nINSERT INTO two\n  VALUES (1);\n\n-- migrate:down\nDROP TABLE two;\n',
    );
    const verbose = await run('up', '+1', '--verbose');
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toMatch(
      /^ {2}migrations\/1_one\.sql:2 \(\d+(\.\d)? ms\) CREATE TABLE one \(id bigint PRIMARY KEY\)$/m,
    );
    const json2 = await run('up', '--verbose', '--json');
    const statements = jsonLines(json2.stderr).filter((e) => e.type === 'statement');
    expect(statements.map((e) => [e.file, e.line, e.sql])).toEqual([
      ['migrations/2_two.sql', 2, 'CREATE TABLE two (id int)'],
      ['migrations/2_two.sql', 3, 'INSERT INTO two\n  VALUES (1)'],
    ]);
    expect((await run('up')).stderr).not.toContain('CREATE TABLE');

    const quiet = await run('down', '--yes', '--quiet');
    expect(quiet).toMatchObject({ code: 0, stderr: '', stdout: 'Reverted 1 migration(s).\n' });
    cli.project.write('migrations/3_bad.sql', '-- migrate:up\nSELECT 1/0;\n');
    const failed = await run('up', '--quiet');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error Migration 3_bad \(up\) failed at migrations\/3_bad\.sql:2/);
    expect(failed.stderr).not.toContain('applied');
    const both = await run('status', '--quiet', '--verbose');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('error --verbose and --quiet cannot be used together.');
  });
});
