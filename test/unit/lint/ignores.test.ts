import { describe, expect, test } from 'vitest';
import { lintSqlFile } from '../../../src/lint/lint-files.js';
import { lint } from './helpers.js';

const brief = (fs: { rule: string; line: number; column: number; severity: string }[]) =>
  fs.map((f) => `${f.line}:${f.column} ${f.severity} ${f.rule}`);

describe('ignore comments', () => {
  test('a statement ignore with a reason suppresses the named rule on the next statement only', async () => {
    const sql =
      '-- sluice-ignore ban-drop-column: the app stopped reading it in v41\n' +
      'ALTER TABLE t DROP COLUMN a;\n' +
      'ALTER TABLE t DROP COLUMN b;';
    expect(brief(await lint(sql))).toEqual(['3:1 error ban-drop-column']);
  });

  test('several rules, comma separated; block comments work too', async () => {
    const sql =
      '/* sluice-ignore ban-drop-column, prefer-bigint-over-int: a is unused since v41, b is small */\n' +
      'ALTER TABLE t DROP COLUMN a, ADD COLUMN b int;';
    expect(brief(await lint(sql))).toEqual([]);
    const partly =
      '/* sluice-ignore ban-drop-column, renaming-column: unused since v41 */\nALTER TABLE t DROP COLUMN a;';
    expect(brief(await lint(partly))).toEqual(['1:1 warning unused-ignore']);
  });

  test('squawk spellings are accepted', async () => {
    const sql =
      '-- sluice-ignore prefer-timestamptz: legacy column kept as is\nCREATE TABLE t (at timestamp);';
    expect(brief(await lint(sql))).toEqual([]);
  });

  test('a missing reason is an error, and the finding is still suppressed', async () => {
    const sql = 'SELECT 1;\n-- sluice-ignore ban-drop-table\nDROP TABLE t;';
    const found = await lint(sql);
    expect(brief(found)).toEqual(['2:1 error ignore-missing-reason']);
    expect(found[0]?.help).toBe(
      'Say why the risk is acceptable after a colon: `-- sluice-ignore ban-drop-table: <reason>`.',
    );
  });

  test('an unknown rule id is an error', async () => {
    const sql = '-- sluice-ignore ban-everything: why not\nDROP TABLE t;';
    expect(brief(await lint(sql))).toEqual(['1:1 error ignore-unknown-rule', '2:1 error ban-drop-table']);
  });

  test('an ignore naming no rule is an error', async () => {
    expect(brief(await lint('-- sluice-ignore: nothing\nSELECT 1;'))).toEqual([
      '1:1 error ignore-unknown-rule',
    ]);
  });

  test('an ignore that matches nothing is reported as unused', async () => {
    const sql = 'SELECT 1;\n\n  -- sluice-ignore ban-drop-table: dropped on purpose\nSELECT 2;';
    expect(brief(await lint(sql))).toEqual(['3:3 warning unused-ignore']);
  });

  test('an ignore for a rule turned off in the configuration is not reported as unused', async () => {
    const sql = '-- sluice-ignore ban-drop-table: dropped on purpose\nSELECT 2;';
    expect(brief(await lint(sql, { rules: { 'ban-drop-table': 'off' } }))).toEqual([]);
  });

  test('words that merely start like the directive are plain comments', async () => {
    expect(brief(await lint('-- sluice-ignored ban-drop-table\nSELECT 1;'))).toEqual([]);
  });

  test('a file ignore applies to every statement; one use is enough', async () => {
    const sql =
      'SELECT 1;\n-- sluice-ignore-file ban-drop-column: columns retired in v41\nALTER TABLE t DROP COLUMN a;\nALTER TABLE u DROP COLUMN b;';
    expect(brief(await lint(sql))).toEqual([]);
  });

  test('a file ignore above the migrate:up marker applies to the file', async () => {
    const text =
      '-- sluice-ignore-file ban-drop-table: legacy tables retired in v41\n-- migrate:up\nDROP TABLE a;\nDROP TABLE b;\n';
    expect(brief(await lintSqlFile(text, 'm.sql'))).toEqual([]);
    const unused = '-- sluice-ignore-file ban-drop-table: nothing to drop\n-- migrate:up\nSELECT 1;\n';
    expect(brief(await lintSqlFile(unused, 'm.sql'))).toEqual(['1:1 warning unused-ignore']);
  });

  test('a syntax error can be acknowledged (for syntax newer than the parser) but needs a reason', async () => {
    const sql = '-- sluice-ignore syntax-error: PostgreSQL 18 syntax\nSELECT FROM WHERE;';
    expect(brief(await lint(sql))).toEqual([]);
  });
});

describe("squawk's ignore comments", () => {
  test('squawk-ignore suppresses the named rules on the next statement, with no reason needed', async () => {
    const sql =
      '-- squawk-ignore ban-drop-column\n' +
      'ALTER TABLE t DROP COLUMN a;\n' +
      '-- squawk-ignore ban-drop-column, prefer-big-int -- b is small\n' +
      'ALTER TABLE t DROP COLUMN c, ADD COLUMN b int;\n' +
      'ALTER TABLE t DROP COLUMN d;';
    expect(brief(await lint(sql))).toEqual(['5:1 error ban-drop-column']);
  });

  test('squawk-ignore-file without a rule ignores every rule in the file; with rules, those', async () => {
    const all = '-- squawk-ignore-file\nALTER TABLE t DROP COLUMN a;\nDROP TABLE u;';
    expect(brief(await lint(all))).toEqual([]);
    const some = '-- squawk-ignore-file ban-drop-table\nALTER TABLE t DROP COLUMN a;\nDROP TABLE u;';
    expect(brief(await lint(some))).toEqual(['2:1 error ban-drop-column']);
  });

  test('an unused or unknown squawk ignore is reported like a sluice one', async () => {
    const sql = '-- squawk-ignore ban-drop-table\nSELECT 1;\n-- squawk-ignore no-such-rule\nSELECT 2;';
    expect(brief(await lint(sql))).toEqual(['1:1 warning unused-ignore', '3:1 error ignore-unknown-rule']);
  });
});
