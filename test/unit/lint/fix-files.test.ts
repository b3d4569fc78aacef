import { describe, expect, test } from 'vitest';
import { fixSqlText } from '../../../src/lint/fix-files.js';
import { lintSqlFile } from '../../../src/lint/lint-files.js';

const file =
  '-- migrate:up transaction:false\n' +
  'CREATE TABLE t (id int);\n' +
  'CREATE INDEX t_id_idx ON t (id);\n' +
  'ALTER TABLE t ADD COLUMN a int, ADD COLUMN b int;\n' +
  'ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0);\n' +
  'DROP TABLE u;\n\n' +
  '-- migrate:down\nSELECT 1;\n';

describe('lint --fix (fixSqlText)', () => {
  test('writes each autofixable fix in place; the result lints clean for that rule', async () => {
    const before = await lintSqlFile(file, 'm.sql');
    expect(before.filter((f) => f.rule === 'prefer-robust-stmts')).toHaveLength(6);
    const { text, fixed } = await fixSqlText(file, 'm.sql');
    expect(text).toBe(
      '-- migrate:up transaction:false\n' +
        'CREATE TABLE IF NOT EXISTS t (id int);\n' +
        'CREATE INDEX IF NOT EXISTS t_id_idx ON t (id);\n' +
        'ALTER TABLE t ADD COLUMN IF NOT EXISTS a int, ADD COLUMN IF NOT EXISTS b int;\n' +
        'ALTER TABLE t DROP CONSTRAINT IF EXISTS t_a_check;\n' +
        'ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0);\n' +
        'DROP TABLE IF EXISTS u;\n\n' +
        '-- migrate:down\nSELECT 1;\n',
    );
    expect(fixed.map((f) => f.rule)).toEqual(Array(6).fill('prefer-robust-stmts'));
    const after = await lintSqlFile(text, 'm.sql');
    expect(after.filter((f) => f.rule === 'prefer-robust-stmts')).toEqual([]);
  });

  test('is idempotent, and keeps CRLF line ends and a BOM', async () => {
    const once = (await fixSqlText(file, 'm.sql')).text;
    expect(await fixSqlText(once, 'm.sql')).toEqual({ text: once, fixed: [] });
    const crlf = `\uFEFF${file.replace(/\n/g, '\r\n')}`;
    const fixedCrlf = (await fixSqlText(crlf, 'm.sql')).text;
    expect(fixedCrlf).toBe(`\uFEFF${once.replace(/\n/g, '\r\n')}`);
  });

  test('leaves findings whose fix is advice, not a drop-in statement', async () => {
    const sql = '-- migrate:up\nALTER TABLE users ALTER COLUMN age TYPE bigint;\n';
    expect(await fixSqlText(sql, 'm.sql')).toEqual({ text: sql, fixed: [] });
  });
});
