import { describe, expect, it } from 'vitest';
import { MigrationFileError } from '../../src/errors.js';
import { parseSqlMigration } from '../../src/migrations/sql-file.js';

const FILE = 'db/migrations/20240101000000_create_users.sql';

function thrown(fn: () => unknown): MigrationFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MigrationFileError);
    return error as MigrationFileError;
  }
  throw new Error('expected a MigrationFileError');
}

/** Statement text and line of each section, the shape most tests compare. */
function outline(text: string) {
  const { up, down } = parseSqlMigration(text, FILE);
  const section = (s: typeof up) => ({
    line: s.line,
    transaction: s.transaction,
    statements: s.statements.map((st) => [st.line, st.sql]),
  });
  return { up: section(up), down: down && section(down) };
}

describe('parseSqlMigration', () => {
  it("parses dbmate's README example", () => {
    const text = [
      '-- migrate:up',
      'create table users (',
      '  id integer,',
      '  name varchar(255),',
      '  email varchar(255) not null',
      ');',
      '',
      '-- migrate:down',
      'drop table users;',
      '',
    ].join('\n');
    expect(parseSqlMigration(text, FILE)).toMatchInlineSnapshot(`
      {
        "down": {
          "line": 8,
          "statements": [
            {
              "column": 1,
              "leadingComments": [],
              "line": 9,
              "offset": 120,
              "sql": "drop table users",
            },
          ],
          "transaction": true,
        },
        "up": {
          "line": 1,
          "statements": [
            {
              "column": 1,
              "leadingComments": [],
              "line": 2,
              "offset": 14,
              "sql": "create table users (
        id integer,
        name varchar(255),
        email varchar(255) not null
      )",
            },
          ],
          "transaction": true,
        },
      }
    `);
  });

  it('reports absolute lines and offsets for several statements', () => {
    const text = [
      '-- header comment',
      '',
      '-- migrate:up',
      '-- sluice-ignore ban-drop-column: column unused since v2',
      'ALTER TABLE users DROP COLUMN legacy;',
      "  UPDATE users SET note = 'a;b';",
      '-- migrate:down',
      'ALTER TABLE users ADD COLUMN legacy text;',
    ].join('\n');
    const parsed = parseSqlMigration(text, FILE);
    expect(parsed.up.statements.map((s) => [s.line, s.column, s.leadingComments])).toEqual([
      [5, 1, ['-- sluice-ignore ban-drop-column: column unused since v2']],
      [6, 3, []],
    ]);
    for (const s of [...parsed.up.statements, ...(parsed.down?.statements ?? [])]) {
      expect(text.slice(s.offset, s.offset + s.sql.length)).toBe(s.sql);
    }
    expect(parsed.down?.statements.map((s) => s.line)).toEqual([8]);
  });

  it.each<[string, string, ReturnType<typeof outline>]>([
    [
      'no space after --, trailing spaces',
      '--migrate:up  \nSELECT 1;\n--migrate:down\t\nSELECT 2;',
      {
        up: { line: 1, transaction: true, statements: [[2, 'SELECT 1']] },
        down: { line: 3, transaction: true, statements: [[4, 'SELECT 2']] },
      },
    ],
    [
      'transaction:false on up',
      '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- migrate:down\nDROP INDEX i;',
      {
        up: { line: 1, transaction: false, statements: [[2, 'CREATE INDEX CONCURRENTLY i ON t (c)']] },
        down: { line: 3, transaction: true, statements: [[4, 'DROP INDEX i']] },
      },
    ],
    [
      'transaction:false on down, transaction:true on up',
      '-- migrate:up transaction:true\nSELECT 1;\n-- migrate:down   transaction:false\nDROP INDEX CONCURRENTLY i;',
      {
        up: { line: 1, transaction: true, statements: [[2, 'SELECT 1']] },
        down: { line: 3, transaction: false, statements: [[4, 'DROP INDEX CONCURRENTLY i']] },
      },
    ],
    [
      'no down section',
      '-- migrate:up\nSELECT 1;\n',
      { up: { line: 1, transaction: true, statements: [[2, 'SELECT 1']] }, down: null },
    ],
    [
      'empty down section',
      '-- migrate:up\nSELECT 1;\n-- migrate:down\n-- nothing to undo\n',
      {
        up: { line: 1, transaction: true, statements: [[2, 'SELECT 1']] },
        down: { line: 3, transaction: true, statements: [] },
      },
    ],
    [
      'empty up section, marker on the last line without newline',
      '-- migrate:up\n-- migrate:down',
      {
        up: { line: 1, transaction: true, statements: [] },
        down: { line: 2, transaction: true, statements: [] },
      },
    ],
    [
      'comments and block comments before the up marker',
      '-- about this file\n/* more\n   words */\n\n-- migrate:up\nSELECT 1',
      { up: { line: 5, transaction: true, statements: [[6, 'SELECT 1']] }, down: null },
    ],
    [
      'a comment that only starts like a marker',
      '-- migrate:up\n-- migrate:upgrade notes follow\nSELECT 1;',
      { up: { line: 1, transaction: true, statements: [[3, 'SELECT 1']] }, down: null },
    ],
    [
      'a plpgsql function in the up section',
      "-- migrate:up\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE NOTICE 'x;';\nEND;\n$$;\n-- migrate:down\nDROP FUNCTION f;",
      {
        up: {
          line: 1,
          transaction: true,
          statements: [
            [
              2,
              "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE NOTICE 'x;';\nEND;\n$$",
            ],
          ],
        },
        down: { line: 7, transaction: true, statements: [[8, 'DROP FUNCTION f']] },
      },
    ],
  ])('%s', (_name, text, expected) => {
    expect(outline(text)).toEqual(expected);
  });

  it('normalizes CRLF line ends and a byte-order mark', () => {
    const lf =
      "-- migrate:up\nCREATE TABLE t (\n  note text DEFAULT 'a'\n);\n\n-- migrate:down\nDROP TABLE t;\n";
    const crlf = `\uFEFF${lf.replace(/\n/g, '\r\n')}`;
    expect(parseSqlMigration(crlf, FILE)).toEqual(parseSqlMigration(lf, FILE));
    expect(outline(crlf)).toEqual({
      up: { line: 1, transaction: true, statements: [[2, "CREATE TABLE t (\n  note text DEFAULT 'a'\n)"]] },
      down: { line: 6, transaction: true, statements: [[7, 'DROP TABLE t']] },
    });
  });
});

describe('parseSqlMigration: errors', () => {
  it.each<[string, string, string, number | undefined]>([
    ['missing up marker', 'CREATE TABLE t (id int);\n', `${FILE}: no "-- migrate:up" marker`, undefined],
    ['only a down marker', '-- migrate:down\nDROP TABLE t;', `${FILE}: no "-- migrate:up" marker`, undefined],
    [
      'down before up',
      '-- migrate:down\nDROP TABLE t;\n-- migrate:up\nCREATE TABLE t (id int);',
      `${FILE}:1: "-- migrate:down" comes before "-- migrate:up" (line 3)`,
      1,
    ],
    [
      'duplicate up',
      '-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;',
      `${FILE}:3: second "-- migrate:up" marker (the first is on line 1)`,
      3,
    ],
    [
      'duplicate down',
      '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n\n-- migrate:down\nSELECT 3;',
      `${FILE}:6: second "-- migrate:down" marker (the first is on line 3)`,
      6,
    ],
    [
      'SQL before the up marker',
      "-- comment\nCREATE TYPE status AS ENUM ('a');\n-- migrate:up\nSELECT 1;",
      `${FILE}:2: SQL before the "-- migrate:up" marker`,
      2,
    ],
    [
      'unknown option',
      '-- migrate:up foo:bar\nSELECT 1;',
      `${FILE}:1: unknown migration option "foo:bar"`,
      1,
    ],
    [
      'unknown option on down',
      '-- migrate:up\nSELECT 1;\n-- migrate:down transaction:false lock:none\nSELECT 2;',
      `${FILE}:3: unknown migration option "lock:none"`,
      3,
    ],
    [
      'bad option value',
      '-- migrate:up transaction:no\nSELECT 1;',
      `${FILE}:1: invalid value in "transaction:no"`,
      1,
    ],
    [
      'option without value',
      '-- migrate:up transaction\nSELECT 1;',
      `${FILE}:1: invalid value in "transaction"`,
      1,
    ],
    [
      'conflicting options (dbmate lets the last win)',
      '-- migrate:up transaction:false transaction:true\nCREATE INDEX CONCURRENTLY i ON t (c);',
      `${FILE}:1: the option "transaction" is given twice ("transaction:true" after transaction:false)`,
      1,
    ],
    [
      'the same option twice, on the down marker',
      '-- migrate:up\nSELECT 1;\n-- migrate:down transaction:false  transaction:false\nSELECT 2;',
      `${FILE}:3: the option "transaction" is given twice ("transaction:false" after transaction:false)`,
      3,
    ],
    [
      'marker in the wrong case',
      '-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:Down\nDROP TABLE t;',
      `${FILE}:3: "-- migrate:Down" looks like a migration marker but is not one`,
      3,
    ],
    [
      'indented marker',
      '-- migrate:up\nSELECT 1;\n  -- migrate:down\nSELECT 2;',
      `${FILE}:3: "-- migrate:down" looks like a migration marker but is not one`,
      3,
    ],
    [
      'space after the colon',
      '-- migrate: up\nSELECT 1;',
      `${FILE}:1: "-- migrate: up" looks like a migration marker but is not one`,
      1,
    ],
  ])('%s', (_name, text, message, line) => {
    const error = thrown(() => parseSqlMigration(text, FILE));
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('migration-file');
    expect(error.details.file).toBe(FILE);
    expect(error.details.line).toBe(line);
    expect(typeof error.details.hint).toBe('string');
  });

  it('tells what to do when the up marker is missing', () => {
    const error = thrown(() => parseSqlMigration('SELECT 1;', FILE));
    expect(error.details.hint).toBe(
      'Add a line "-- migrate:up" before the statements that apply the migration (and "-- migrate:down" before those that revert it).',
    );
  });

  it('names the only option when one is unknown', () => {
    const error = thrown(() => parseSqlMigration('-- migrate:up foo:bar\n', FILE));
    expect(error.details.hint).toBe(
      'The only option is transaction:false (or transaction:true), e.g. "-- migrate:up transaction:false".',
    );
  });

  it.each<[string, string, string, number, number]>([
    [
      'unterminated string in up',
      "-- migrate:up\nSELECT 1;\nINSERT INTO t VALUES ('x);\n-- migrate:down\nDELETE FROM t;",
      `Unterminated quoted string starting at ${FILE}:3:23`,
      3,
      23,
    ],
    [
      'unterminated dollar quote in down',
      '-- migrate:up\nSELECT 1;\n-- migrate:down\nDO $$ BEGIN\nEND;',
      `Unterminated dollar-quoted string $$ starting at ${FILE}:4:4`,
      4,
      4,
    ],
    [
      'unterminated block comment in CRLF text',
      '-- migrate:up\r\nSELECT 1;\r\n  /* oops\r\nSELECT 2;\r\n',
      `Unterminated block comment starting at ${FILE}:3:3`,
      3,
      3,
    ],
    [
      'down marker inside a dollar-quoted body',
      '-- migrate:up\nDO $$\n-- migrate:down\n$$;',
      `Unterminated dollar-quoted string $$ starting at ${FILE}:2:4`,
      2,
      4,
    ],
  ])('%s', (_name, text, message, line, column) => {
    const error = thrown(() => parseSqlMigration(text, FILE));
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ file: FILE, line, column });
  });
});
