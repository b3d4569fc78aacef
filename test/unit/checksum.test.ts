import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checksum, normalizeText, statementHash } from '../../src/migrations/checksum.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('normalizeText', () => {
  it.each([
    ['BOM', '\uFEFFSELECT 1;', 'SELECT 1;'],
    ['CRLF', 'a;\r\nb;\r\n', 'a;\nb;'],
    ['lone CR', 'a;\rb;', 'a;\nb;'],
    ['trailing spaces and tabs on lines', 'a; \t\nb;  \n', 'a;\nb;'],
    ['trailing blank lines', 'a;\n\n\n  \n', 'a;'],
    ['leading indentation is kept', '  a;\n\tb;', '  a;\n\tb;'],
    ['a BOM only at the start is removed', 'a\uFEFF;', 'a\uFEFF;'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('checksum', () => {
  const base = '-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n';

  it('is the sha256 hex of the normalized text', () => {
    expect(checksum(base)).toBe(sha(base.trimEnd()));
    expect(checksum(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores CRLF, a BOM and trailing whitespace', () => {
    const variants = [
      base.replace(/\n/g, '\r\n'),
      `\uFEFF${base}`,
      base.replace(/;\n/g, ';   \n'),
      `${base}\n\n`,
      base.trimEnd(),
      `\uFEFF${base.replace(/\n/g, ' \t\r\n')}`,
    ];
    for (const v of variants) expect(checksum(v)).toBe(checksum(base));
  });

  it('changes with any real edit', () => {
    const edits = [
      base.replace('id int', 'id bigint'),
      base.replace('CREATE TABLE t', 'CREATE TABLE  t'),
      base.replace('CREATE', '  CREATE'),
      base.replace('t (id', 'T (id'),
      base.replace(';\n-- migrate:down', ';\n\n-- migrate:down'),
      `${base}SELECT 1;\n`,
      `-- a comment\n${base}`,
    ];
    const sums = new Set([checksum(base), ...edits.map(checksum)]);
    expect(sums.size).toBe(edits.length + 1);
  });
});

describe('statementHash', () => {
  it('is 16 hex characters and normalizes like checksum', () => {
    expect(statementHash('SELECT 1')).toMatch(/^[0-9a-f]{16}$/);
    expect(statementHash('SELECT 1  \r\n')).toBe(statementHash('SELECT 1'));
    expect(statementHash('SELECT 2')).not.toBe(statementHash('SELECT 1'));
  });
});
