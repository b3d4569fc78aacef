import { runRuleTables } from './rule-table.js';

const noTx = { transaction: false };

runRuleTables([
  {
    rule: 'require-concurrent-index-creation',
    severity: 'error',
    pass: [
      { sql: 'CREATE INDEX CONCURRENTLY i ON t (a);', options: noTx },
      'CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);',
    ],
    fail: [
      { sql: 'CREATE INDEX i ON t (a);', at: [1, 1] },
      { sql: 'CREATE UNIQUE INDEX IF NOT EXISTS i ON s.t USING btree (a) WHERE a > 0;', at: [1, 1] },
      { sql: 'SELECT 1;\n  create index on t (lower(email));', at: [2, 3] },
    ],
  },
  {
    rule: 'require-concurrent-index-deletion',
    severity: 'error',
    pass: [
      { sql: 'DROP INDEX CONCURRENTLY IF EXISTS i;', options: noTx },
      'CREATE INDEX i ON t (a);\nDROP INDEX i;',
    ],
    fail: [
      { sql: 'DROP INDEX i;', at: [1, 1] },
      { sql: 'DROP INDEX s.i, j;', at: [1, 1] },
    ],
  },
  {
    rule: 'ban-concurrent-index-creation-in-transaction',
    severity: 'error',
    pass: [{ sql: 'CREATE INDEX CONCURRENTLY i ON t (a);', options: noTx }, 'CREATE INDEX i ON t (a);'],
    fail: [
      { sql: 'CREATE INDEX CONCURRENTLY i ON t (a);', at: [1, 1] },
      { sql: 'BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;', at: [2, 1], options: noTx },
    ],
  },
  {
    rule: 'non-transactional-statement-in-transaction',
    severity: 'error',
    pass: [
      { sql: 'VACUUM t;', options: noTx },
      { sql: 'DROP INDEX CONCURRENTLY i;', options: noTx },
      "ALTER TYPE mood ADD VALUE 'meh';",
      'CREATE INDEX CONCURRENTLY i ON t (a);',
    ],
    fail: [
      { sql: 'VACUUM t;', at: [1, 1] },
      { sql: 'DROP INDEX CONCURRENTLY i;', at: [1, 1] },
      { sql: "ALTER TYPE mood ADD VALUE 'meh';", at: [1, 1], options: { pgVersion: 11 } },
      { sql: 'REINDEX INDEX CONCURRENTLY i;', at: [1, 1] },
      { sql: 'ALTER TABLE p DETACH PARTITION c CONCURRENTLY;', at: [1, 1] },
      { sql: 'CREATE DATABASE other;', at: [1, 1] },
    ],
  },
  {
    rule: 'index-too-many-columns',
    severity: 'warning',
    pass: [
      'CREATE INDEX CONCURRENTLY i ON t (a, b, c);',
      'CREATE UNIQUE INDEX CONCURRENTLY i ON t (a, b, c, d);',
    ],
    fail: [{ sql: 'CREATE INDEX CONCURRENTLY i ON t (a, b, c, d);', at: [1, 1], options: noTx }],
  },
  {
    rule: 'require-concurrent-reindex',
    severity: 'error',
    pass: [
      { sql: 'REINDEX INDEX CONCURRENTLY i;', options: noTx },
      { sql: 'REINDEX INDEX i;', options: { pgVersion: 11 } },
    ],
    fail: [
      { sql: 'REINDEX INDEX i;', at: [1, 1] },
      { sql: 'REINDEX TABLE public.t;', at: [1, 1] },
    ],
  },
  {
    rule: 'require-concurrent-partition-detach',
    severity: 'error',
    pass: [
      { sql: 'ALTER TABLE p DETACH PARTITION c CONCURRENTLY;', options: noTx },
      { sql: 'ALTER TABLE p DETACH PARTITION c;', options: { pgVersion: 13 } },
    ],
    fail: [{ sql: 'ALTER TABLE p DETACH PARTITION c;', at: [1, 32] }],
  },
  {
    rule: 'prefer-repack',
    severity: 'error',
    pass: [
      { sql: 'VACUUM t;', options: noTx },
      { sql: 'VACUUM (ANALYZE) t;', options: noTx },
    ],
    fail: [
      { sql: 'VACUUM FULL t;', at: [1, 1], options: noTx },
      { sql: 'CLUSTER t USING i;', at: [1, 1] },
    ],
  },
]);
