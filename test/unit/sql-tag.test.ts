import { describe, expect, it } from 'vitest';
import {
  ident,
  isSqlFragment,
  join,
  literal,
  postgresQuoting,
  raw,
  render,
  renderInline,
  sql,
} from '../../src/sql/tag.js';

const pg = postgresQuoting;

describe('sql tag: render', () => {
  it('turns values into $n parameters and splices identifiers', () => {
    const q = sql`SELECT * FROM ${ident('app', 'users')} WHERE id = ${42} AND name = ${"O'Brien"}`;
    expect(render(q, pg)).toEqual({
      text: 'SELECT * FROM "app"."users" WHERE id = $1 AND name = $2',
      values: [42, "O'Brien"],
    });
    expect(q.isStatic).toBe(false);
  });

  it('numbers parameters across nested fragments', () => {
    const where = sql`a = ${1} AND b = ${2}`;
    const q = sql`UPDATE ${ident('t')} SET c = ${3} WHERE ${where} RETURNING ${raw('*')}`;
    expect(render(q, pg)).toEqual({
      text: 'UPDATE "t" SET c = $1 WHERE a = $2 AND b = $3 RETURNING *',
      values: [3, 1, 2],
    });
  });

  it('doubles quotes inside identifiers so a name cannot inject SQL', () => {
    const evil = 'x"; DROP TABLE users; --';
    expect(render(sql`SELECT 1 FROM ${ident(evil)}`, pg).text).toBe(
      'SELECT 1 FROM "x""; DROP TABLE users; --"',
    );
    expect(render(ident('we"ird', 'Mixed Case'), pg).text).toBe('"we""ird"."Mixed Case"');
  });

  it('keeps a value that looks like SQL as a parameter', () => {
    expect(render(sql`SELECT ${'1; DROP TABLE t'}`, pg)).toEqual({
      text: 'SELECT $1',
      values: ['1; DROP TABLE t'],
    });
  });

  it('is static without values', () => {
    const q = sql`CREATE TABLE ${ident('t')} (id int DEFAULT ${literal(0)})`;
    expect(q.isStatic).toBe(true);
    expect(render(q, pg)).toEqual({ text: 'CREATE TABLE "t" (id int DEFAULT 0)', values: [] });
  });

  it('joins fragments with a separator', () => {
    const cols = join(['a', 'b', 'c'].map((c) => ident(c)));
    expect(render(sql`SELECT ${cols} FROM t`, pg).text).toBe('SELECT "a", "b", "c" FROM t');
    expect(render(join([sql`x = ${1}`, sql`y = ${2}`], ' AND '), pg)).toEqual({
      text: 'x = $1 AND y = $2',
      values: [1, 2],
    });
    expect(render(join([sql`a`, sql`b`], sql` OR `), pg).text).toBe('a OR b');
    expect(render(join([]), pg)).toEqual({ text: '', values: [] });
  });

  it('recognises fragments', () => {
    expect(isSqlFragment(sql`x`)).toBe(true);
    expect(isSqlFragment(ident('x'))).toBe(true);
    expect(isSqlFragment(raw(''))).toBe(true);
    expect(isSqlFragment('x')).toBe(false);
    expect(isSqlFragment(null)).toBe(false);
    expect(isSqlFragment({ chunks: [] })).toBe(false);
  });

  it('rejects an empty identifier', () => {
    expect(() => ident()).toThrow(TypeError);
    expect(() => ident('')).toThrow('ident(): invalid name ""');
    expect(() => ident('a', '')).toThrow(TypeError);
  });
});

describe('sql tag: literals and renderInline', () => {
  it.each<[string, unknown, string]>([
    ['a string', 'abc', "'abc'"],
    ['a quote, doubled', "it's", "'it''s'"],
    ['a backslash, in E form', 'C:\\dir', "E'C:\\\\dir'"],
    ['a backslash and a quote', "a\\'b", "E'a\\\\''b'"],
    ['null', null, 'NULL'],
    ['undefined', undefined, 'NULL'],
    ['an integer', 42, '42'],
    ['a negative float', -1.5, '-1.5'],
    ['NaN', Number.NaN, "'NaN'::float8"],
    ['Infinity', Number.POSITIVE_INFINITY, "'Infinity'::float8"],
    ['a bigint', 9007199254740993n, '9007199254740993'],
    ['true', true, 'TRUE'],
    ['false', false, 'FALSE'],
    ['a date', new Date('2024-01-02T03:04:05.678Z'), "'2024-01-02T03:04:05.678Z'::timestamptz"],
    ['an object, as JSON', { a: "b'c" }, `'{"a":"b''c"}'`],
    ['an array, as JSON', [1, 2], "'[1,2]'"],
    ['an empty string', '', "''"],
  ])('%s', (_name, value, expected) => {
    expect(render(literal(value), pg).text).toBe(expected);
    expect(renderInline(sql`${value}`, pg)).toBe(expected);
  });

  it('inlines every value for dry-run output', () => {
    const q = sql`INSERT INTO ${ident('t')} (a, b, c) VALUES (${1}, ${"x'y"}, ${null})`;
    expect(renderInline(q, pg)).toBe(`INSERT INTO "t" (a, b, c) VALUES (1, 'x''y', NULL)`);
  });
});
