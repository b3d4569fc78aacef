import { describe, expect, test } from 'vitest';
import { analyzeStatement } from '../../../src/lint/analyze.js';
import { RULES } from '../../../src/lint/rules/index.js';
import { lint } from './helpers.js';

// A spread of statement shapes: nothing may throw, every statement gets an analysis.
const CORPUS = [
  'CREATE TABLE a (LIKE b INCLUDING ALL)',
  'CREATE TABLE a AS SELECT * FROM b',
  'CREATE MATERIALIZED VIEW m AS SELECT 1 WITH NO DATA',
  'CREATE TABLE p (id bigint, at date) PARTITION BY RANGE (at)',
  "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
  'CREATE UNLOGGED TABLE u (a int)',
  'CREATE TEMP TABLE tmp (a int) ON COMMIT DROP',
  'CREATE TABLE IF NOT EXISTS s.t (a int CHECK (a > 0), b text COLLATE "C", CONSTRAINT pk PRIMARY KEY (a))',
  'CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT a + 1; END',
  'CREATE OR REPLACE FUNCTION g() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$',
  'CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$',
  'CALL p()',
  "DO $$ BEGIN RAISE NOTICE 'x'; END $$",
  'COPY t (a) FROM STDIN',
  'COPY (SELECT 1) TO STDOUT',
  'WITH x AS (SELECT id FROM t) UPDATE u SET a = 1 FROM x WHERE u.id = x.id',
  'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.a)',
  'INSERT INTO t SELECT * FROM u ON CONFLICT (id) DO NOTHING',
  'EXPLAIN SELECT 1',
  'ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b',
  'ALTER TABLE IF EXISTS ONLY t ADD COLUMN IF NOT EXISTS c int',
  'ALTER VIEW v ALTER COLUMN a SET DEFAULT 1',
  'ALTER MATERIALIZED VIEW m SET SCHEMA s',
  'ALTER INDEX i SET (fillfactor = 80)',
  'ALTER INDEX i ATTACH PARTITION j',
  'ALTER SEQUENCE s RESTART WITH 100',
  'ALTER TABLE t OWNER TO app',
  'ALTER TABLE t ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY',
  'ALTER TABLE t ALTER COLUMN a SET DATA TYPE int8 USING a::int8',
  'ALTER TABLE t ALTER COLUMN a DROP EXPRESSION',
  'ALTER TABLE t REPLICA IDENTITY FULL',
  'ALTER TABLE t ENABLE ROW LEVEL SECURITY',
  'ALTER TABLE t INHERIT parent',
  'ALTER TABLE t ADD CONSTRAINT c EXCLUDE USING gist (a WITH &&) WHERE (a IS NOT NULL)',
  'ALTER TABLE t ALTER CONSTRAINT fk DEFERRABLE INITIALLY DEFERRED',
  'ALTER TABLE t RENAME CONSTRAINT a TO b',
  "ALTER TYPE mood RENAME VALUE 'a' TO 'b'",
  'ALTER TYPE comp ADD ATTRIBUTE c int',
  'ALTER DOMAIN d SET NOT NULL',
  'ALTER DOMAIN d VALIDATE CONSTRAINT c',
  "CREATE TYPE mood AS ENUM ('a', 'b')",
  'CREATE TYPE comp AS (a int, b text)',
  'CREATE DOMAIN posint AS int CHECK (VALUE > 0) NOT NULL',
  'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public',
  'CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION app',
  'CREATE SEQUENCE s AS bigint',
  'CREATE POLICY p ON t USING (owner = current_user)',
  'CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING',
  'CREATE STATISTICS st ON a, b FROM t',
  'CREATE VIEW v WITH (security_barrier) AS SELECT * FROM t',
  'DROP POLICY p ON t',
  'DROP RULE r ON t',
  'DROP OWNED BY app',
  'DROP EXTENSION e CASCADE',
  'DROP INDEX CONCURRENTLY IF EXISTS s.i',
  "COMMENT ON TABLE t IS 'x'",
  "COMMENT ON INDEX i IS 'x'",
  'GRANT ALL ON ALL TABLES IN SCHEMA public TO app',
  'REVOKE INSERT ON t FROM PUBLIC',
  'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO reader',
  'SET search_path TO app, public',
  'SET LOCAL statement_timeout = 0',
  'RESET ALL',
  'SELECT pg_advisory_lock(1)',
  'SELECT set_config($$lock_timeout$$, $$1s$$, false)',
  'LOCK TABLE a, b IN ACCESS EXCLUSIVE MODE NOWAIT',
  'VACUUM (FULL, ANALYZE) a, b (c)',
  'REINDEX SCHEMA CONCURRENTLY app',
  'REINDEX SYSTEM',
  'CLUSTER',
  'REFRESH MATERIALIZED VIEW m',
  'TRUNCATE ONLY t RESTART IDENTITY',
  'SAVEPOINT a',
  'RELEASE SAVEPOINT a',
  'ROLLBACK TO SAVEPOINT a',
  'START TRANSACTION ISOLATION LEVEL SERIALIZABLE',
  'COMMIT AND CHAIN',
  'PREPARE TRANSACTION $$x$$',
  'CHECKPOINT',
  'LISTEN x',
  "NOTIFY x, 'y'",
  'DISCARD ALL',
  'ALTER SYSTEM SET work_mem = $$64MB$$',
  'CREATE TABLESPACE ts LOCATION $$/tmp$$',
  'IMPORT FOREIGN SCHEMA s FROM SERVER srv INTO local',
];

const everyRule = Object.fromEntries(RULES.map((r) => [r.id, r.severity]));

describe('robustness', () => {
  test.each(CORPUS)('%s', async (sql) => {
    const a = await analyzeStatement(sql);
    expect(a.kind.length).toBeGreaterThan(0);
    for (const transaction of [true, false]) {
      const found = await lint(`${sql};`, { transaction, rules: everyRule });
      expect(found.filter((f) => f.rule === 'syntax-error')).toEqual([]);
      for (const f of found) {
        expect(f.line).toBe(1);
        expect(f.column).toBeGreaterThanOrEqual(1);
        expect(f.message).not.toContain('undefined');
        expect(f.help).not.toContain('undefined');
      }
    }
  });

  test('the whole corpus as one migration, old and new PostgreSQL', async () => {
    const text = CORPUS.map((s) => `${s};`).join('\n');
    for (const pgVersion of [10, 17]) {
      const found = await lint(text, { transaction: false, pgVersion, rules: everyRule });
      expect(found.filter((f) => f.rule === 'syntax-error')).toEqual([]);
    }
  });
});
