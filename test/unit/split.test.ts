import { describe, expect, it } from 'vitest';
import { MigrationFileError } from '../../src/errors.js';
import { splitStatements } from '../../src/sql/split.js';

const sqls = (source: string): string[] => splitStatements(source).map((s) => s.sql);

function thrown(fn: () => unknown): MigrationFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MigrationFileError);
    return error as MigrationFileError;
  }
  throw new Error('expected a MigrationFileError');
}

describe('splitStatements: quoting', () => {
  it.each<[string, string, string[]]>([
    ['plain', 'SELECT 1; SELECT 2;', ['SELECT 1', 'SELECT 2']],
    ['string with ;', "SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", 'SELECT 2']],
    ["string with '' escape", "SELECT 'it''s;'; SELECT 2", ["SELECT 'it''s;'", 'SELECT 2']],
    ['string ending in an escaped quote', "SELECT ''''; SELECT 2", ["SELECT ''''", 'SELECT 2']],
    ['backslash does not escape in a plain string', "SELECT 'a\\'; SELECT 2", ["SELECT 'a\\'", 'SELECT 2']],
    ["E string with \\'", "SELECT E'it\\'s;'; SELECT 2", ["SELECT E'it\\'s;'", 'SELECT 2']],
    ['e string (lower case)', "SELECT e'\\';'; SELECT 2", ["SELECT e'\\';'", 'SELECT 2']],
    ['E string with escaped backslash', "SELECT E'a\\\\'; SELECT 2", ["SELECT E'a\\\\'", 'SELECT 2']],
    ["E string with '' escape", "SELECT E'a'';b'; SELECT 2", ["SELECT E'a'';b'", 'SELECT 2']],
    ['word ending in e is not an E prefix', "SELECT some'\\'; SELECT 2", ["SELECT some'\\'", 'SELECT 2']],
    ["U&'...'", "SELECT U&'d\\0061t;a'; SELECT 2", ["SELECT U&'d\\0061t;a'", 'SELECT 2']],
    ['U&"..."', 'SELECT U&"a;b"; SELECT 2', ['SELECT U&"a;b"', 'SELECT 2']],
    ["B'...' and X'...'", "SELECT B'10;1', X'1F;'; SELECT 2", ["SELECT B'10;1', X'1F;'", 'SELECT 2']],
    ["N'...'", "SELECT N'a;b'; SELECT 2", ["SELECT N'a;b'", 'SELECT 2']],
    ['quoted identifier', 'CREATE TABLE "a;b" (x int); SELECT 2', ['CREATE TABLE "a;b" (x int)', 'SELECT 2']],
    ['quoted identifier with ""', 'SELECT "c""d;"; SELECT 2', ['SELECT "c""d;"', 'SELECT 2']],
    ['quote characters inside the other quote', `SELECT '"', "'"; SELECT 2`, [`SELECT '"', "'"`, 'SELECT 2']],
    [
      'numbers with exponents',
      "SELECT 1e5, 1.5E-3, 2e'x'; SELECT 2",
      ["SELECT 1e5, 1.5E-3, 2e'x'", 'SELECT 2'],
    ],
  ])('%s', (_name, source, expected) => {
    expect(sqls(source)).toEqual(expected);
  });
});

describe('splitStatements: dollar quotes and parameters', () => {
  it.each<[string, string, string[]]>([
    ['$$ body', 'SELECT $$a;b$$; SELECT 2', ['SELECT $$a;b$$', 'SELECT 2']],
    ['$tag$ body', 'SELECT $x$a;b$x$; SELECT 2', ['SELECT $x$a;b$x$', 'SELECT 2']],
    [
      'different tag nested inside',
      'SELECT $fn$ a; $$ b; $$ c; $fn$; SELECT 2',
      ['SELECT $fn$ a; $$ b; $$ c; $fn$', 'SELECT 2'],
    ],
    [
      'tags are case-sensitive',
      'SELECT $A$ a; $a$ b; $A$; SELECT 2',
      ['SELECT $A$ a; $a$ b; $A$', 'SELECT 2'],
    ],
    ['tag with digits and underscore', 'SELECT $_t1$;$_t1$; SELECT 2', ['SELECT $_t1$;$_t1$', 'SELECT 2']],
    ['$1 is a parameter', 'SELECT $1;SELECT $2::text;', ['SELECT $1', 'SELECT $2::text']],
    ['$12 then text', 'SELECT $12, $3$;', ['SELECT $12, $3$']],
    ['$ inside an identifier', 'SELECT foo$$ FROM t; SELECT 2', ['SELECT foo$$ FROM t', 'SELECT 2']],
    ['adjacent dollar quotes', 'SELECT $a$;$a$$b$;$b$; SELECT 2', ['SELECT $a$;$a$$b$;$b$', 'SELECT 2']],
    ['dollar quote right after a string', "SELECT 'x'$$;$$; SELECT 2", ["SELECT 'x'$$;$$", 'SELECT 2']],
    [
      'non-ASCII identifiers',
      'SELECT "ü;", café$$ FROM t; SELECT 2',
      ['SELECT "ü;", café$$ FROM t', 'SELECT 2'],
    ],
    ['E string at the start of the input', "E'\\';'; SELECT 2", ["E'\\';'", 'SELECT 2']],
    ['quotes inside dollar quotes', `SELECT $$it's "x$$; SELECT 2`, [`SELECT $$it's "x$$`, 'SELECT 2']],
    [
      'comment markers inside dollar quotes',
      'SELECT $$ -- ; /* $$; SELECT 2',
      ['SELECT $$ -- ; /* $$', 'SELECT 2'],
    ],
  ])('%s', (_name, source, expected) => {
    expect(sqls(source)).toEqual(expected);
  });

  it('splits a plpgsql DO block and function as one statement each', () => {
    const source = [
      'DO $$',
      'BEGIN',
      "  RAISE NOTICE 'a;';",
      '  IF true THEN PERFORM 1; END IF;',
      'END',
      '$$;',
      'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$',
      'BEGIN',
      '  NEW.updated_at := now(); -- keep ; here',
      '  RETURN NEW;',
      'END;',
      '$body$;',
      'SELECT 3;',
    ].join('\n');
    const statements = splitStatements(source);
    expect(statements.map((s) => [s.line, s.sql.split('\n').length])).toEqual([
      [1, 6],
      [7, 6],
      [13, 1],
    ]);
    expect(statements[0]?.sql).toBe(
      "DO $$\nBEGIN\n  RAISE NOTICE 'a;';\n  IF true THEN PERFORM 1; END IF;\nEND\n$$",
    );
  });
});

describe('splitStatements: comments', () => {
  it.each<[string, string, string[]]>([
    ['; in a line comment', 'SELECT 1 -- a; b\n, 2; SELECT 3', ['SELECT 1 -- a; b\n, 2', 'SELECT 3']],
    ['; in a block comment', 'SELECT /* ; */ 1; SELECT 2', ['SELECT /* ; */ 1', 'SELECT 2']],
    [
      'nested block comments',
      'SELECT /* a /* b; */ c; */ 1; SELECT 2',
      ['SELECT /* a /* b; */ c; */ 1', 'SELECT 2'],
    ],
    ['quote in a line comment', "-- it's\nSELECT 1; SELECT 2", ['SELECT 1', 'SELECT 2']],
    ['quote in a block comment', "/* don't */ SELECT 1; SELECT 2", ['SELECT 1', 'SELECT 2']],
    ['comment markers in a string', "SELECT '--;', '/*'; SELECT 2", ["SELECT '--;', '/*'", 'SELECT 2']],
    ['/*/ does not close', 'SELECT /*/ ; */ 1; SELECT 2', ['SELECT /*/ ; */ 1', 'SELECT 2']],
    ['line comment ends at CR', 'SELECT 1 --x\r, 2; SELECT 3', ['SELECT 1 --x\r, 2', 'SELECT 3']],
    ['block comment opener in a line comment', '-- /* \nSELECT 1; SELECT 2', ['SELECT 1', 'SELECT 2']],
    ['line comment marker in a block comment', '/* -- */ SELECT 1; SELECT 2', ['SELECT 1', 'SELECT 2']],
    ['E string right after a comment', "SELECT /*c*/E'\\';'; SELECT 2", ["SELECT /*c*/E'\\';'", 'SELECT 2']],
    [
      'E string right after a dollar quote',
      "SELECT $$x$$E'\\';'; SELECT 2",
      ["SELECT $$x$$E'\\';'", 'SELECT 2'],
    ],
  ])('%s', (_name, source, expected) => {
    expect(sqls(source)).toEqual(expected);
  });
});

describe('splitStatements: BEGIN ATOMIC bodies and parentheses', () => {
  const fn = [
    'CREATE FUNCTION add(a int, b int) RETURNS int',
    'LANGUAGE sql',
    'BEGIN ATOMIC',
    '  SELECT CASE WHEN a > 0 THEN a ELSE 0 END + b;',
    '  SELECT 1;',
    'END',
  ].join('\n');

  it('keeps a BEGIN ATOMIC body in one statement', () => {
    expect(sqls(`${fn};\nSELECT 2;`)).toEqual([fn, 'SELECT 2']);
  });

  // Each case is one statement: followed by `; SELECT 2` it must split into exactly [case, 'SELECT 2'].
  const f = 'CREATE FUNCTION f() RETURNS int LANGUAGE sql';
  it.each<[string, string]>([
    [
      'or replace procedure, lower case',
      'create or replace procedure p() language sql begin atomic delete from t; end',
    ],
    ['comment between BEGIN and ATOMIC', `${f} BEGIN /* x */ ATOMIC SELECT 1; END`],
    [
      'nested and parenthesised CASE',
      `${f} BEGIN ATOMIC SELECT (CASE WHEN a THEN CASE WHEN b THEN 1 END END); END`,
    ],
    ['nested BEGIN ... END block', `${f} BEGIN ATOMIC BEGIN SELECT 1; END; SELECT 2; END`],
    ['strings and quotes in the body', `${f} BEGIN ATOMIC SELECT E'\\'; end', $$ end; $$, x$$, "end;"; END`],
    [
      'comments between the head words',
      `CREATE /* a */ OR -- b\n REPLACE FUNCTION f() BEGIN ATOMIC SELECT 1; END`,
    ],
    ['a column named begin inside the body', `${f} BEGIN ATOMIC SELECT begin FROM t; END`],
    ['a function named begin', 'CREATE FUNCTION begin() RETURNS int LANGUAGE sql RETURN 1'],
    ['BEGIN ATOMIC words outside a routine', "SELECT 'x' AS begin, 1 AS atomic"],
    ['CASE ... END outside an atomic body', 'SELECT CASE WHEN true THEN 1 END'],
    [
      'CREATE RULE with actions in parentheses',
      'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); DELETE FROM b)',
    ],
  ])('%s', (_name, statement) => {
    expect(sqls(`${statement}; SELECT 2`)).toEqual([statement, 'SELECT 2']);
  });

  it('does not treat a transaction BEGIN as a block', () => {
    expect(sqls('BEGIN; SELECT 1; COMMIT;')).toEqual(['BEGIN', 'SELECT 1', 'COMMIT']);
  });
});

describe('splitStatements: statement boundaries', () => {
  it.each<[string, string, string[]]>([
    ['empty input', '', []],
    ['only whitespace and comments', '  \n-- a\n/* b */\n', []],
    ['empty statements', ';;  ;\n-- c\n;', []],
    ['final statement without ;', 'SELECT 1;\nSELECT 2\n', ['SELECT 1', 'SELECT 2']],
    ['trailing comments after the last statement are dropped', 'SELECT 1; -- bye\n/* end */', ['SELECT 1']],
    ['trailing comment of an unterminated last statement', 'SELECT 2 -- bye\n', ['SELECT 2']],
    ['comment before ; stays in the statement', 'SELECT 1 /* c */ ;', ['SELECT 1 /* c */']],
    ['trailing whitespace trimmed', 'SELECT 1 \n\t ;', ['SELECT 1']],
  ])('%s', (_name, source, expected) => {
    expect(sqls(source)).toEqual(expected);
  });

  it('reports line, column, offset and leading comments', () => {
    const source = [
      '-- first',
      '/* block',
      '   comment */',
      '  SELECT 1; -- after one',
      '-- sluice-ignore ban-drop-column: reason',
      'ALTER TABLE t',
      '  DROP COLUMN c; ;',
      '-- before empty',
      ';',
      '\tSELECT /* inside */ 3',
    ].join('\n');
    expect(splitStatements(source)).toMatchInlineSnapshot(`
      [
        {
          "column": 3,
          "leadingComments": [
            "-- first",
            "/* block
         comment */",
          ],
          "line": 4,
          "offset": 34,
          "sql": "SELECT 1",
        },
        {
          "column": 1,
          "leadingComments": [
            "-- after one",
            "-- sluice-ignore ban-drop-column: reason",
          ],
          "line": 6,
          "offset": 98,
          "sql": "ALTER TABLE t
        DROP COLUMN c",
        },
        {
          "column": 2,
          "leadingComments": [
            "-- before empty",
          ],
          "line": 10,
          "offset": 150,
          "sql": "SELECT /* inside */ 3",
        },
      ]
    `);
    for (const s of splitStatements(source))
      expect(source.slice(s.offset, s.offset + s.sql.length)).toBe(s.sql);
  });

  it('adds startLine and startOffset', () => {
    expect(splitStatements('\n  SELECT 1;\nSELECT 2', { startLine: 10, startOffset: 100 })).toEqual([
      { sql: 'SELECT 1', line: 11, column: 3, offset: 103, leadingComments: [] },
      { sql: 'SELECT 2', line: 12, column: 1, offset: 113, leadingComments: [] },
    ]);
  });

  it('counts CRLF line ends as one line', () => {
    expect(splitStatements('SELECT 1;\r\n-- c\r\nSELECT\r\n  2;\r\n\r\nSELECT 3\r\n')).toEqual([
      { sql: 'SELECT 1', line: 1, column: 1, offset: 0, leadingComments: [] },
      { sql: 'SELECT\r\n  2', line: 3, column: 1, offset: 17, leadingComments: ['-- c'] },
      { sql: 'SELECT 3', line: 6, column: 1, offset: 33, leadingComments: [] },
    ]);
  });

  it('reports lines after multi-line strings, dollar quotes and comments', () => {
    const source = 'SELECT \'a\nb\';\n/* x\ny */ SELECT $$\n$$;\nSELECT "q\nr";\nSELECT 4';
    expect(splitStatements(source).map((s) => [s.line, s.column])).toEqual([
      [1, 1],
      [4, 6],
      [6, 1],
      [8, 1],
    ]);
  });
});

describe('splitStatements: unterminated', () => {
  it.each<[string, string, string, number, number]>([
    ['string', "SELECT 1;\nSELECT 'abc;", 'Unterminated quoted string starting at line 2, column 8', 2, 8],
    [
      'string ended by a backslash-escaped quote',
      "SELECT E'a\\';",
      "Unterminated escape string (E'...') starting at line 1, column 8",
      1,
      8,
    ],
    [
      'quoted identifier',
      'SELECT 1,\n  "abc;',
      'Unterminated quoted identifier starting at line 2, column 3',
      2,
      3,
    ],
    [
      'dollar quote',
      'DO $body$\nBEGIN END;\n$$;',
      'Unterminated dollar-quoted string $body$ starting at line 1, column 4',
      1,
      4,
    ],
    [
      'dollar quote with a different case tag',
      'SELECT $a$ x $A$;',
      'Unterminated dollar-quoted string $a$ starting at line 1, column 8',
      1,
      8,
    ],
    [
      'block comment',
      'SELECT 1;\n/* a /* b */\nSELECT 2;',
      'Unterminated block comment starting at line 2, column 1',
      2,
      1,
    ],
    [
      'block comment inside a statement',
      'SELECT 1 /* x',
      'Unterminated block comment starting at line 1, column 10',
      1,
      10,
    ],
  ])('%s', (_name, source, message, line, column) => {
    const error = thrown(() => splitStatements(source));
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ line, column });
    expect(error.exitCode).toBe(2);
    expect(typeof error.details.hint).toBe('string');
  });

  it('names the file and uses startLine', () => {
    const error = thrown(() => splitStatements("\nSELECT 'x", { file: 'db/1_a.sql', startLine: 5 }));
    expect(error.message).toBe('Unterminated quoted string starting at db/1_a.sql:6:8');
    expect(error.details).toEqual({
      file: 'db/1_a.sql',
      line: 6,
      column: 8,
      hint: "Close the string with a single quote; write a quote inside a string as ''.",
    });
  });
});
