import { runRuleTables } from './rule-table.js';

const noTx = { transaction: false };

runRuleTables([
  {
    rule: 'transaction-nesting',
    severity: 'error',
    pass: [{ sql: 'BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;', options: noTx }, 'SAVEPOINT s;'],
    fail: [
      { sql: 'BEGIN;', at: [1, 1] },
      { sql: 'CREATE TABLE t (a int);\nCOMMIT;', at: [2, 1] },
      { sql: 'BEGIN;\nBEGIN;\nCOMMIT;', at: [2, 1], options: noTx },
    ],
  },
  {
    rule: 'ban-uncommitted-transaction',
    severity: 'error',
    pass: [{ sql: 'BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;', options: noTx }, 'BEGIN;'],
    fail: [{ sql: 'SELECT 1;\nBEGIN;\nCREATE TABLE t (a int);', at: [2, 1], options: noTx }],
  },
  {
    rule: 'require-lock-timeout',
    severity: 'error',
    pass: [
      "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN a int;",
      'CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);',
      'UPDATE t SET a = 1 WHERE id = 2;',
    ],
    fail: [
      { sql: 'CREATE INDEX i ON t (a);', at: [1, 1] },
      { sql: 'SELECT 1;\nALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;', at: [2, 1] },
      { sql: 'SET lock_timeout = 0;\nALTER TABLE t ADD COLUMN a int;', at: [2, 1] },
    ],
  },
  {
    rule: 'require-statement-timeout',
    severity: 'warning',
    pass: ["SET statement_timeout = '1min';\nCREATE INDEX i ON t (a);", 'ALTER TABLE t ADD COLUMN a int;'],
    fail: [{ sql: 'CREATE INDEX i ON t (a);', at: [1, 1] }],
  },
  {
    rule: 'backfill-while-locked',
    severity: 'warning',
    pass: [
      { sql: 'ALTER TABLE t ADD COLUMN a int;\nUPDATE t SET a = 1;', options: noTx },
      'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);',
      'UPDATE t SET a = 1;',
      'CREATE INDEX CONCURRENTLY i ON u (a);\nUPDATE t SET a = 1;',
    ],
    fail: [
      { sql: 'ALTER TABLE t ADD COLUMN a int;\nUPDATE t SET a = 1;', at: [2, 1] },
      {
        sql: 'BEGIN;\nALTER TABLE t ALTER COLUMN a SET DEFAULT 0;\nDELETE FROM t WHERE a IS NULL;\nCOMMIT;',
        at: [3, 1],
        options: noTx,
      },
    ],
  },
  {
    rule: 'prefer-robust-stmts',
    severity: 'warning',
    options: noTx,
    pass: [
      { sql: 'CREATE TABLE t (a int);', options: { transaction: true } },
      'CREATE TABLE IF NOT EXISTS t (a int);',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);',
      'DROP INDEX CONCURRENTLY IF EXISTS i;',
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS a int;',
      'ALTER TABLE t DROP CONSTRAINT IF EXISTS c;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;',
      'BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;',
    ],
    fail: [
      { sql: 'CREATE TABLE t (a int);', at: [1, 1] },
      { sql: 'CREATE UNLOGGED TABLE t (a int);', at: [1, 1] },
      { sql: 'CREATE INDEX CONCURRENTLY i ON t (a);', at: [1, 1] },
      { sql: 'DROP INDEX CONCURRENTLY i;', at: [1, 1] },
      { sql: 'DROP MATERIALIZED VIEW m;', at: [1, 1] },
      { sql: 'ALTER TABLE t ADD COLUMN a int;', at: [1, 26] },
      { sql: 'ALTER TABLE t ADD a int;', at: [1, 19] },
      { sql: 'ALTER TABLE t DROP COLUMN a;', at: [1, 1] },
      { sql: 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;', at: [1, 19] },
    ],
  },
]);
