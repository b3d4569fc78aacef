import { describe, expect, test } from 'vitest';
import { lint, schemaFrom } from './helpers.js';

const rulesOf = async (sql: string, options: Parameters<typeof lint>[1] = {}) =>
  (await lint(sql, options)).map((f) => `${f.line} ${f.rule}`);

describe('context: tables created earlier in the same migration', () => {
  test('no lock findings on a table the migration created', async () => {
    const sql = [
      'CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY, a text, u bigint)',
      'CREATE INDEX t_a ON t (a)',
      'ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid()',
      'ALTER TABLE t ADD CONSTRAINT t_u FOREIGN KEY (u) REFERENCES users (id)',
      'ALTER TABLE t ADD CONSTRAINT t_a_len CHECK (length(a) < 10)',
      'ALTER TABLE t ALTER COLUMN a SET NOT NULL',
      'ALTER TABLE t ALTER COLUMN u TYPE numeric',
      'ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a)',
      'ALTER TABLE t RENAME COLUMN a TO b',
      'ALTER TABLE t DROP COLUMN b',
      'DROP INDEX t_a',
    ].join(';\n');
    expect(await rulesOf(sql)).toEqual([]);
  });

  test('a schema-qualified or renamed new table is still new', async () => {
    expect(await rulesOf('CREATE TABLE public.t (a text);\nCREATE INDEX i ON t (a);')).toEqual([]);
    expect(
      await rulesOf('CREATE TABLE t (a text);\nALTER TABLE t RENAME TO u;\nCREATE INDEX i ON u (a);'),
    ).toEqual([]);
  });

  test('a table of another schema with the same name is not the new one', async () => {
    expect(await rulesOf('CREATE TABLE t (a text);\nCREATE INDEX i ON app.t (a);')).toEqual([
      '2 require-concurrent-index-creation',
    ]);
  });

  test('a table created by an earlier migration is an existing table', async () => {
    const schema = await schemaFrom('CREATE TABLE t (a text);');
    expect(await rulesOf('CREATE INDEX i ON t (a);', { schema })).toEqual([
      '1 require-concurrent-index-creation',
    ]);
  });

  test('CONCURRENTLY inside a transaction is an error, outside it is fine', async () => {
    expect(await rulesOf('CREATE INDEX CONCURRENTLY i ON t (a);')).toEqual([
      '1 ban-concurrent-index-creation-in-transaction',
    ]);
    expect(
      await rulesOf('CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);', { transaction: false }),
    ).toEqual([]);
  });
});

describe('context: the targeted PostgreSQL version', () => {
  const at = async (sql: string, pgVersion: number) => rulesOf(sql, { pgVersion });

  test('a constant default rewrites before 11 only', async () => {
    const sql = 'ALTER TABLE t ADD COLUMN c bigint NOT NULL DEFAULT 0;';
    expect(await at(sql, 10)).toEqual(['1 adding-field-with-default']);
    expect(await at(sql, 11)).toEqual([]);
  });

  test('a validated NOT NULL check spares the SET NOT NULL scan from 12', async () => {
    const sql =
      'ALTER TABLE t VALIDATE CONSTRAINT t_c_nn;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;\nALTER TABLE t DROP CONSTRAINT t_c_nn;';
    const schema11 = await schemaFrom(
      'CREATE TABLE t (c int, CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID);',
    );
    const schema12 = await schemaFrom(
      'CREATE TABLE t (c int, CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID);',
    );
    expect(await rulesOf(sql, { pgVersion: 11, schema: schema11 })).toEqual(['2 adding-not-nullable-field']);
    expect(await rulesOf(sql, { pgVersion: 12, schema: schema12 })).toEqual([]);
  });

  test('REINDEX CONCURRENTLY exists from 12, DETACH CONCURRENTLY from 14', async () => {
    expect(await at('REINDEX TABLE t;', 11)).toEqual([]);
    expect(await at('REINDEX TABLE t;', 12)).toEqual(['1 require-concurrent-reindex']);
    expect(await at('ALTER TABLE p DETACH PARTITION c;', 13)).toEqual([]);
    expect(await at('ALTER TABLE p DETACH PARTITION c;', 14)).toEqual([
      '1 require-concurrent-partition-detach',
    ]);
  });

  test('ALTER TYPE … ADD VALUE runs in a transaction from 12', async () => {
    expect(await at("ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';", 11)).toEqual([
      '1 non-transactional-statement-in-transaction',
    ]);
    expect(await at("ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';", 12)).toEqual([]);
  });
});

describe('context: column types declared by earlier migrations', () => {
  test('binary-coercible type changes pass, others rewrite', async () => {
    // Each check starts from the same earlier migration (a type change also teaches the model).
    const earlier = () => schemaFrom('CREATE TABLE t (name varchar(10), price numeric(10, 2), n int);');
    const lintAfter = async (sql: string) => rulesOf(sql, { schema: await earlier() });
    expect(await lintAfter('ALTER TABLE t ALTER COLUMN name TYPE text;')).toEqual([]);
    expect(await lintAfter('ALTER TABLE t ALTER COLUMN name TYPE varchar(20);')).toEqual([
      '1 prefer-text-field',
    ]);
    expect(await lintAfter('ALTER TABLE t ALTER COLUMN price TYPE numeric(12, 2);')).toEqual([]);
    expect(await lintAfter('ALTER TABLE t ALTER COLUMN price TYPE numeric(12, 3);')).toEqual([
      '1 changing-column-type',
    ]);
    const schema = await earlier();
    await lint('ALTER TABLE t ALTER COLUMN name TYPE text;', { schema });
    expect(await rulesOf('ALTER TABLE t ALTER COLUMN name TYPE varchar(20);', { schema })).toEqual([
      '1 changing-column-type',
      '1 prefer-text-field',
    ]);
    const found = await lint('ALTER TABLE t ALTER COLUMN n TYPE bigint;', { schema });
    expect(found.map((f) => f.message)).toEqual([
      'Changing the type of t.n from integer to bigint rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes.',
    ]);
  });

  test('shrinking a varchar rewrites', async () => {
    const schema = await schemaFrom('CREATE TABLE t (name varchar(20));');
    expect(await rulesOf('ALTER TABLE t ALTER COLUMN name TYPE varchar(5);', { schema })).toEqual([
      '1 changing-column-type',
      '1 prefer-text-field',
    ]);
  });
});
