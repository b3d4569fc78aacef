import { describe, expect, test } from 'vitest';
import { analyzeStatement, migrationClass } from '../../../src/lint/analyze.js';
import type { StatementAnalysis } from '../../../src/lint/types.js';
import { schemaFrom } from './helpers.js';

function summary(a: StatementAnalysis): string {
  const locks = a.locks.map((l) => `${l.mode} ${l.table}${l.isIndex ? ' (index)' : ''}`).join(', ') || '-';
  const flags = [
    a.rewrites && 'rewrites',
    a.scans && 'scans',
    !a.transactional && 'no-tx',
    a.opaque && 'opaque',
  ].filter(Boolean);
  return `${a.kind} | ${locks} | ${flags.join(' ') || '-'} | ${a.class}`;
}

const TABLE: [string, string][] = [
  [
    'CREATE TABLE t (id bigint, u bigint REFERENCES users (id))',
    'CREATE TABLE | SHARE ROW EXCLUSIVE users | - | additive',
  ],
  ['CREATE TABLE p_1 PARTITION OF p FOR VALUES IN (1)', 'CREATE TABLE | ACCESS EXCLUSIVE p | - | additive'],
  ['CREATE INDEX i ON t (a)', 'CREATE INDEX | SHARE t | scans | additive'],
  [
    'CREATE INDEX CONCURRENTLY i ON t (a)',
    'CREATE INDEX | SHARE UPDATE EXCLUSIVE t | scans no-tx | additive',
  ],
  ['DROP INDEX i', 'DROP INDEX | ACCESS EXCLUSIVE i (index) | - | destructive'],
  ['DROP INDEX CONCURRENTLY i', 'DROP INDEX | SHARE UPDATE EXCLUSIVE i (index) | no-tx | destructive'],
  ['DROP TABLE a, s.b', 'DROP TABLE | ACCESS EXCLUSIVE a, ACCESS EXCLUSIVE s.b | - | destructive'],
  ['DROP TRIGGER trg ON t', 'DROP TRIGGER | ACCESS EXCLUSIVE t | - | destructive'],
  ['ALTER TABLE t ADD COLUMN c int', 'ALTER TABLE | ACCESS EXCLUSIVE t | - | additive'],
  ['ALTER TABLE t ADD COLUMN c int DEFAULT 0', 'ALTER TABLE | ACCESS EXCLUSIVE t | - | additive'],
  [
    'ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid()',
    'ALTER TABLE | ACCESS EXCLUSIVE t | rewrites scans | additive',
  ],
  ['ALTER TABLE t ADD COLUMN c int NOT NULL', 'ALTER TABLE | ACCESS EXCLUSIVE t | scans | additive'],
  ['ALTER TABLE t ADD COLUMN id bigserial', 'ALTER TABLE | ACCESS EXCLUSIVE t | rewrites scans | additive'],
  ['ALTER TABLE t DROP COLUMN c', 'ALTER TABLE | ACCESS EXCLUSIVE t | - | destructive'],
  [
    'ALTER TABLE t ALTER COLUMN c TYPE bigint',
    'ALTER TABLE | ACCESS EXCLUSIVE t | rewrites scans | transformative',
  ],
  ['ALTER TABLE t ALTER COLUMN c SET NOT NULL', 'ALTER TABLE | ACCESS EXCLUSIVE t | scans | transformative'],
  ['ALTER TABLE t ALTER COLUMN c DROP NOT NULL', 'ALTER TABLE | ACCESS EXCLUSIVE t | - | transformative'],
  ['ALTER TABLE t ALTER COLUMN c SET DEFAULT 1', 'ALTER TABLE | ACCESS EXCLUSIVE t | - | transformative'],
  ['ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)', 'ALTER TABLE | ACCESS EXCLUSIVE t | scans | additive'],
  [
    'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID',
    'ALTER TABLE | ACCESS EXCLUSIVE t | - | additive',
  ],
  [
    'ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id)',
    'ALTER TABLE | SHARE ROW EXCLUSIVE o, SHARE ROW EXCLUSIVE users | scans | additive',
  ],
  [
    'ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID',
    'ALTER TABLE | SHARE ROW EXCLUSIVE o, SHARE ROW EXCLUSIVE users | - | additive',
  ],
  ['ALTER TABLE t VALIDATE CONSTRAINT c', 'ALTER TABLE | SHARE UPDATE EXCLUSIVE t | scans | additive'],
  ['ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)', 'ALTER TABLE | ACCESS EXCLUSIVE t | scans | additive'],
  ['ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX u', 'ALTER TABLE | ACCESS EXCLUSIVE t | - | additive'],
  ['ALTER TABLE t DROP CONSTRAINT c', 'ALTER TABLE | ACCESS EXCLUSIVE t | - | transformative'],
  ['ALTER TABLE t SET (fillfactor = 70)', 'ALTER TABLE | SHARE UPDATE EXCLUSIVE t | - | transformative'],
  [
    'ALTER TABLE t ALTER COLUMN c SET STATISTICS 500',
    'ALTER TABLE | SHARE UPDATE EXCLUSIVE t | - | transformative',
  ],
  ['ALTER TABLE t DISABLE TRIGGER trg', 'ALTER TABLE | SHARE ROW EXCLUSIVE t | - | transformative'],
  ['ALTER TABLE t SET LOGGED', 'ALTER TABLE | ACCESS EXCLUSIVE t | rewrites scans | transformative'],
  [
    'ALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1)',
    'ALTER TABLE | SHARE UPDATE EXCLUSIVE p, ACCESS EXCLUSIVE c | scans | transformative',
  ],
  [
    'ALTER TABLE p DETACH PARTITION c',
    'ALTER TABLE | ACCESS EXCLUSIVE p, ACCESS EXCLUSIVE c | - | transformative',
  ],
  [
    'ALTER TABLE p DETACH PARTITION c CONCURRENTLY',
    'ALTER TABLE | SHARE UPDATE EXCLUSIVE p, SHARE UPDATE EXCLUSIVE c | no-tx | transformative',
  ],
  ['ALTER TABLE t RENAME COLUMN a TO b', 'RENAME COLUMN | ACCESS EXCLUSIVE t | - | transformative'],
  ['ALTER TABLE t RENAME TO u', 'RENAME TABLE | ACCESS EXCLUSIVE t | - | transformative'],
  ['ALTER INDEX i RENAME TO j', 'RENAME INDEX | SHARE UPDATE EXCLUSIVE i (index) | - | transformative'],
  ['TRUNCATE a, b', 'TRUNCATE | ACCESS EXCLUSIVE a, ACCESS EXCLUSIVE b | - | destructive'],
  ['INSERT INTO t (a) VALUES (1)', 'INSERT | ROW EXCLUSIVE t | - | data'],
  ['UPDATE t SET a = 1', 'UPDATE | ROW EXCLUSIVE t | scans | data'],
  ['UPDATE t SET a = 1 WHERE id < 1000', 'UPDATE | ROW EXCLUSIVE t | - | data'],
  ['DELETE FROM t WHERE a IS NULL', 'DELETE | ROW EXCLUSIVE t | - | data'],
  ['SELECT * FROM t JOIN u USING (id)', 'SELECT | ACCESS SHARE t, ACCESS SHARE u | - | none'],
  ['SELECT * FROM t FOR UPDATE', 'SELECT | ROW SHARE t | - | none'],
  ['LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE', 'LOCK | SHARE ROW EXCLUSIVE t | - | none'],
  ['VACUUM t', 'VACUUM | SHARE UPDATE EXCLUSIVE t | no-tx | none'],
  ['VACUUM FULL t', 'VACUUM FULL | ACCESS EXCLUSIVE t | rewrites scans no-tx | none'],
  ['ANALYZE t', 'ANALYZE | SHARE UPDATE EXCLUSIVE t | - | none'],
  ['CLUSTER t USING i', 'CLUSTER | ACCESS EXCLUSIVE t | rewrites scans | none'],
  ['REINDEX TABLE t', 'REINDEX | SHARE t | scans | none'],
  ['REINDEX INDEX CONCURRENTLY i', 'REINDEX | SHARE UPDATE EXCLUSIVE i (index) | scans no-tx | none'],
  [
    'CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()',
    'CREATE TRIGGER | SHARE ROW EXCLUSIVE t | - | additive',
  ],
  ['REFRESH MATERIALIZED VIEW CONCURRENTLY m', 'REFRESH MATERIALIZED VIEW | EXCLUSIVE m | scans | data'],
  ["COMMENT ON COLUMN t.a IS 'x'", 'COMMENT | SHARE UPDATE EXCLUSIVE t | - | none'],
  ['CREATE OR REPLACE VIEW v AS SELECT 1', 'CREATE VIEW | ACCESS EXCLUSIVE v | - | transformative'],
  ["ALTER TYPE mood ADD VALUE 'meh'", 'ALTER TYPE | - | - | additive'],
  ['CREATE DATABASE other', 'CREATE DATABASE | - | no-tx | additive'],
  ['BEGIN', 'BEGIN | - | no-tx | none'],
  ["SET lock_timeout = '2s'", 'SET | - | - | none'],
  ['GRANT SELECT ON t TO reader', 'GRANT | - | - | additive'],
  ['DO $$ BEGIN PERFORM 1; END $$', 'DO | - | opaque | transformative'],
  ['CREATE EXTENSION IF NOT EXISTS pgcrypto', 'CREATE EXTENSION | - | - | additive'],
];

describe('analyzeStatement: locks, rewrites, scans, transactions, class', () => {
  test.each(TABLE)('%s', async (sql, expected) => {
    expect(summary(await analyzeStatement(sql))).toBe(expected);
  });

  test('the PostgreSQL version changes the answer', async () => {
    expect(
      summary(await analyzeStatement('ALTER TABLE t ADD COLUMN c int DEFAULT 0', { pgVersion: 10 })),
    ).toBe('ALTER TABLE | ACCESS EXCLUSIVE t | rewrites scans | additive');
    expect(summary(await analyzeStatement('ALTER INDEX i RENAME TO j', { pgVersion: 11 }))).toBe(
      'RENAME INDEX | ACCESS EXCLUSIVE i (index) | - | transformative',
    );
    expect(summary(await analyzeStatement("ALTER TYPE mood ADD VALUE 'meh'", { pgVersion: 11 }))).toBe(
      'ALTER TYPE | - | no-tx | additive',
    );
  });

  test('a known binary-coercible type change does not rewrite', async () => {
    const schema = await schemaFrom('CREATE TABLE t (c varchar(10))');
    expect(summary(await analyzeStatement('ALTER TABLE t ALTER COLUMN c TYPE text', { schema }))).toBe(
      'ALTER TABLE | ACCESS EXCLUSIVE t | - | transformative',
    );
  });

  test('several subcommands: the strongest lock per table, all effects', async () => {
    const a = await analyzeStatement(
      'ALTER TABLE t VALIDATE CONSTRAINT c, ADD COLUMN x uuid DEFAULT gen_random_uuid()',
    );
    expect(summary(a)).toBe('ALTER TABLE | ACCESS EXCLUSIVE t | rewrites scans | additive');
  });

  test('bad input is an error, not a guess', async () => {
    await expect(analyzeStatement('ALTER TABLE')).rejects.toThrow(SyntaxError);
    await expect(analyzeStatement('SELECT 1; SELECT 2')).rejects.toThrow('expects one statement, got 2');
  });

  test('migrationClass takes the strongest class', () => {
    expect(migrationClass([])).toBe('none');
    expect(migrationClass([{ class: 'additive' }, { class: 'data' }])).toBe('data');
    expect(
      migrationClass([{ class: 'transformative' }, { class: 'destructive' }, { class: 'additive' }]),
    ).toBe('destructive');
  });
});
