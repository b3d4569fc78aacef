import { describe, expect, test } from 'vitest';
import { loadParser, parseBatch } from '../../../src/dialects/postgres/parser.js';
import { UsageError } from '../../../src/errors.js';
import { analyzeMigration } from '../../../src/lint/analyze-migration.js';
import { lintPaths } from '../../../src/lint/lint-files.js';
import { majorVersion } from '../../../src/lint/version.js';
import { lint } from './helpers.js';

describe('majorVersion', () => {
  test('accepts majors, full versions and server_version_num', () => {
    expect(majorVersion(16)).toBe(16);
    expect(majorVersion(15.4)).toBe(15);
    expect(majorVersion('17.2')).toBe(17);
    expect(majorVersion(150004)).toBe(15);
    expect(majorVersion(90624)).toBe(9);
    expect(majorVersion(undefined)).toBe(15);
    expect(majorVersion('nonsense')).toBe(15);
  });

  test('the linter normalizes what it is given', async () => {
    const found = await lint('ALTER TABLE t ADD COLUMN c bigint DEFAULT 0;', { pgVersion: 100023 });
    expect(found.map((f) => f.rule)).toEqual(['adding-field-with-default']);
  });
});

describe('batched parsing', () => {
  test('one parser call splits back per statement, locations relative to each', async () => {
    await loadParser();
    const alter = "ALTER TABLE t ADD COLUMN c text DEFAULT 'é', ADD COLUMN d int DEFAULT 1";
    const out = parseBatch(['SELECT 1 -- trailing comment', alter]);
    const second = out?.[1];
    if (!second?.ok) throw new Error('expected the batch to split back');
    expect(second.stmts[0]?.start).toBe(0);
    expect(second.stmts[0]?.end).toBe(alter.length);
    // The location of the second default (`1`), after a non-ASCII character, maps into `alter`.
    const json = JSON.stringify(second.stmts[0]?.node);
    const locations = [...json.matchAll(/"ival":\{"ival":1\},"location":(\d+)/g)].map((m) => Number(m[1]));
    expect(locations.map((l) => second.toIndex(l))).toEqual([alter.lastIndexOf('1')]);
  });

  test('a syntax error anywhere falls back to one call per statement, with exact positions', async () => {
    await loadParser();
    expect(parseBatch(['SELECT 1', 'SELECT FROM WHERE'])).toBeNull();
    const found = await lint('SELECT 1;\nSELECT FROM WHERE;\nDROP TABLE t;');
    expect(found.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual([
      '2:13 syntax-error',
      '3:1 ban-drop-table',
    ]);
  });

  test('an input holding two statements falls back too, and both are linted', async () => {
    await loadParser();
    expect(parseBatch(['SELECT 1; DROP TABLE a', 'SELECT 2'])).toBeNull();
  });
});

describe('analyzeMigration', () => {
  test('per-statement analyses, no locks on tables created earlier, the class and transactionality', async () => {
    const m = await analyzeMigration([
      'CREATE TABLE t (a varchar(10))',
      'CREATE INDEX i ON t (a)',
      'ALTER TABLE t ALTER COLUMN a TYPE text',
      'DROP TABLE old',
    ]);
    expect(m.class).toBe('destructive');
    expect(m.transactional).toBe(true);
    expect(
      m.statements.map((s) =>
        'analysis' in s ? s.analysis.locks.map((l) => `${l.mode} ${l.table}`) : s.error,
      ),
    ).toEqual([[], [], [], ['ACCESS EXCLUSIVE old']]);
    const alter = m.statements[2];
    expect(alter && 'analysis' in alter && alter.analysis.rewrites).toBe(false);
  });

  test('syntax errors are reported, not dropped; CONCURRENTLY makes the step non-transactional', async () => {
    const m = await analyzeMigration(['CREATE INDEX CONCURRENTLY i ON t (a)', 'SELEC 1']);
    expect(m.transactional).toBe(false);
    expect(m.class).toBe('additive');
    expect(m.statements[1]).toEqual({
      sql: 'SELEC 1',
      error: 'syntax error at or near "SELEC" (at character 1)',
    });
  });
});

describe('lintPaths arguments', () => {
  test('a missing path is a usage error naming it', async () => {
    await expect(lintPaths(['/nonexistent/migrations'])).rejects.toThrow(UsageError);
    await expect(lintPaths(['/nonexistent/migrations'])).rejects.toThrow(
      '/nonexistent/migrations: no such file or directory',
    );
  });
});
