import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { lintPaths, lintSqlFile } from '../../../src/lint/lint-files.js';

const brief = (fs: { file?: string; rule: string; line: number; column: number }[], withFile = false) =>
  fs.map((f) => `${withFile ? `${f.file}:` : ''}${f.line}:${f.column} ${f.rule}`);

describe('lintSqlFile', () => {
  test('positions are lines and columns of the file; the up marker sets the transaction', async () => {
    const text = '-- migrate:up\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n';
    expect(brief(await lintSqlFile(text, 'm.sql'))).toEqual([
      '3:1 ban-concurrent-index-creation-in-transaction',
    ]);
    const noTx = '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n';
    expect(brief(await lintSqlFile(noTx, 'm.sql'))).toEqual([]);
  });

  test('the down section is checked for syntax only, unless lintDown', async () => {
    const text =
      '-- migrate:up\nCREATE TABLE t (id bigint);\n-- migrate:down\nDROP TABLE t;\nDROP TABLE WHERE;\n';
    expect(brief(await lintSqlFile(text, 'm.sql'))).toEqual(['5:12 syntax-error']);
    expect(brief(await lintSqlFile(text, 'm.sql', { lintDown: true }))).toEqual([
      '4:1 ban-drop-table',
      '5:12 syntax-error',
    ]);
  });

  test('a file that is not a valid migration is one syntax-error finding with the reason', async () => {
    const found = await lintSqlFile('CREATE TABLE t (id int);\n', 'bad.sql');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      file: 'bad.sql',
      rule: 'syntax-error',
      severity: 'error',
      line: 1,
      column: 1,
    });
    expect(found[0]!.message).toContain('no "-- migrate:up" marker');
    const unterminated = await lintSqlFile("-- migrate:up\nSELECT 'abc;\n", 'bad.sql');
    expect(brief(unterminated)).toEqual(['2:8 syntax-error']);
  });

  test('CRLF files report the same positions', async () => {
    const text = '-- migrate:up\r\nALTER TABLE t DROP COLUMN a;\r\n';
    expect(brief(await lintSqlFile(text, 'm.sql'))).toEqual(['2:1 ban-drop-column']);
  });

  test('non-ASCII text before the offending node keeps columns in characters', async () => {
    const text =
      '-- migrate:up\nALTER TABLE t ADD COLUMN "é" text DEFAULT \'ü\', ADD COLUMN c uuid DEFAULT gen_random_uuid();\n';
    expect(brief(await lintSqlFile(text, 'm.sql'))).toEqual(['2:74 adding-field-with-default']);
  });
});

describe('lintPaths', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-lint-'));
    await mkdir(join(dir, 'migrations', 'nested'), { recursive: true });
    await writeFile(
      join(dir, 'migrations', '20240101000000_users.sql'),
      '-- migrate:up\nCREATE TABLE users (name varchar(10));\n',
    );
    await writeFile(
      join(dir, 'migrations', '20240102000000_widen.sql'),
      '-- migrate:up\nALTER TABLE users ALTER COLUMN name TYPE text;\nALTER TABLE users DROP COLUMN name;\n',
    );
    await writeFile(join(dir, 'migrations', '20240103000000_script.ts'), 'export default {}');
    await writeFile(join(dir, 'migrations', 'README.md'), '# notes');
    await writeFile(
      join(dir, 'migrations', 'nested', '20240104000000_idx.sql'),
      '-- migrate:up\nCREATE INDEX i ON users (name);\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('directories are walked in name order; earlier migrations inform later ones', async () => {
    const report = await lintPaths([join(dir, 'migrations')], { rules: { 'prefer-text-field': 'off' } });
    const rel = (f: string) => f.slice(dir.length + 1);
    expect(report.files.map(rel)).toEqual([
      'migrations/20240101000000_users.sql',
      'migrations/20240102000000_widen.sql',
      'migrations/nested/20240104000000_idx.sql',
    ]);
    // varchar(10) -> text is known safe from the first file; the drop and the index are not.
    expect(report.findings.map((f) => `${rel(f.file)}:${f.line} ${f.rule}`)).toEqual([
      'migrations/20240102000000_widen.sql:3 ban-drop-column',
      'migrations/nested/20240104000000_idx.sql:2 require-concurrent-index-creation',
    ]);
    expect(report.skipped.map((s) => rel(s.file))).toEqual(['migrations/20240103000000_script.ts']);
    expect(report.skipped[0]!.reason).toContain('linted through the runner');
    expect(report.statements).toBe(4);
    expect(report.sources.get(join(dir, 'migrations', '20240101000000_users.sql'))).toContain(
      'CREATE TABLE users',
    );
  });

  test('TypeScript migrations are linted through the statements the loader gives', async () => {
    const report = await lintPaths([join(dir, 'migrations', '20240103000000_script.ts')], {
      loadStatements: async () => ({
        up: {
          transaction: true,
          statements: [{ sql: 'DROP TABLE users', line: 4, column: 5, leadingComments: [] }],
        },
      }),
    });
    expect(brief(report.findings)).toEqual(['4:5 ban-drop-table']);
    expect(report.skipped).toEqual([]);
  });

  test('an explicitly named file that is not a migration is reported as skipped', async () => {
    const report = await lintPaths([join(dir, 'migrations', 'README.md')]);
    expect(report.skipped).toEqual([
      { file: join(dir, 'migrations', 'README.md'), reason: 'not a migration file (.md)' },
    ]);
  });

  test('an unknown rule in the configuration is a ConfigError before any file is read', async () => {
    await expect(lintPaths(['/nonexistent'], { rules: { 'no-such-rule': 'off' } })).rejects.toThrow(
      ConfigError,
    );
  });
});
