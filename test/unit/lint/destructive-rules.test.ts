import { runRuleTables } from './rule-table.js';

runRuleTables([
  {
    rule: 'ban-drop-column',
    severity: 'error',
    pass: ['CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;', 'ALTER TABLE t ADD COLUMN b int;'],
    fail: [
      { sql: 'ALTER TABLE t DROP COLUMN b;', at: [1, 1] },
      { sql: 'SELECT 1;\nALTER TABLE t DROP COLUMN IF EXISTS b CASCADE;', at: [2, 1] },
    ],
  },
  {
    rule: 'ban-drop-table',
    severity: 'error',
    pass: ['CREATE TABLE t (a int);\nDROP TABLE t;', 'DROP VIEW v;'],
    fail: [
      { sql: 'DROP TABLE t;', at: [1, 1] },
      { sql: 'DROP TABLE IF EXISTS a, b CASCADE;', at: [1, 1] },
    ],
  },
  {
    rule: 'ban-drop-database',
    severity: 'error',
    pass: ['DROP TABLE t;'],
    fail: [{ sql: 'DROP DATABASE x;', at: [1, 1], options: { transaction: false } }],
  },
  {
    rule: 'ban-drop-not-null',
    severity: 'warning',
    pass: ['CREATE TABLE t (c int NOT NULL);\nALTER TABLE t ALTER COLUMN c DROP NOT NULL;'],
    fail: [{ sql: 'ALTER TABLE t ALTER COLUMN c DROP NOT NULL;', at: [1, 1] }],
  },
  {
    rule: 'ban-truncate-cascade',
    severity: 'error',
    pass: ['TRUNCATE a, b;'],
    fail: [{ sql: 'TRUNCATE a CASCADE;', at: [1, 1] }],
  },
  {
    rule: 'renaming-column',
    severity: 'error',
    pass: ['CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;', 'ALTER INDEX i RENAME TO j;'],
    fail: [{ sql: 'ALTER TABLE t RENAME COLUMN a TO b;', at: [1, 13] }],
  },
  {
    rule: 'renaming-table',
    severity: 'error',
    pass: ['CREATE TABLE t (a int);\nALTER TABLE t RENAME TO u;', 'ALTER TABLE t RENAME COLUMN a TO b;'],
    fail: [
      { sql: 'ALTER TABLE t RENAME TO u;', at: [1, 13] },
      { sql: 'ALTER TABLE app.t RENAME TO u;', at: [1, 13] },
    ],
  },
  {
    rule: 'renaming-object',
    severity: 'warning',
    pass: ['ALTER INDEX i RENAME TO j;', 'ALTER TABLE t RENAME TO u;'],
    fail: [
      { sql: 'ALTER VIEW v RENAME TO w;', at: [1, 1] },
      { sql: 'ALTER SCHEMA s RENAME TO t;', at: [1, 1] },
      { sql: 'ALTER FUNCTION f(int) RENAME TO g;', at: [1, 1] },
    ],
  },
  {
    rule: 'ban-drop-schema',
    severity: 'error',
    pass: ['CREATE SCHEMA s;'],
    fail: [{ sql: 'DROP SCHEMA s CASCADE;', at: [1, 1] }],
  },
  {
    rule: 'ban-drop-view',
    severity: 'warning',
    pass: ['CREATE OR REPLACE VIEW v AS SELECT 1;'],
    fail: [
      { sql: 'DROP VIEW v;', at: [1, 1] },
      { sql: 'DROP MATERIALIZED VIEW IF EXISTS m;', at: [1, 1] },
    ],
  },
  {
    rule: 'ban-drop-function',
    severity: 'warning',
    pass: ['CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;'],
    fail: [
      { sql: 'DROP FUNCTION f(int);', at: [1, 1] },
      { sql: 'DROP PROCEDURE p;', at: [1, 1] },
    ],
  },
  {
    rule: 'ban-drop-type',
    severity: 'warning',
    pass: ["CREATE TYPE mood AS ENUM ('ok');", 'DROP DOMAIN email;'],
    fail: [{ sql: 'DROP TYPE mood;', at: [1, 1] }],
  },
  {
    rule: 'ban-drop-domain',
    severity: 'warning',
    pass: ['CREATE DOMAIN email AS text;', 'DROP TYPE mood;'],
    fail: [{ sql: 'DROP DOMAIN IF EXISTS email CASCADE;', at: [1, 1] }],
  },
  {
    rule: 'ban-drop-extension',
    severity: 'warning',
    pass: ['CREATE EXTENSION IF NOT EXISTS pgcrypto;'],
    fail: [{ sql: 'DROP EXTENSION pgcrypto;', at: [1, 1] }],
  },
  {
    rule: 'ban-drop-default',
    severity: 'warning',
    pass: [
      'ALTER TABLE t ALTER COLUMN c SET DEFAULT 0;',
      'CREATE TABLE t (c int DEFAULT 0);\nALTER TABLE t ALTER COLUMN c DROP DEFAULT;',
    ],
    fail: [{ sql: 'ALTER TABLE t ALTER COLUMN c DROP DEFAULT;', at: [1, 1] }],
  },
  {
    rule: 'ban-drop-generated-expression',
    severity: 'warning',
    pass: ['ALTER TABLE t ALTER COLUMN c DROP DEFAULT;'],
    fail: [{ sql: 'ALTER TABLE t ALTER COLUMN total DROP EXPRESSION;', at: [1, 1] }],
  },
  {
    rule: 'ban-set-schema',
    severity: 'warning',
    pass: ['CREATE TABLE t (a int);\nALTER TABLE t SET SCHEMA archive;'],
    fail: [
      { sql: 'ALTER TABLE t SET SCHEMA archive;', at: [1, 13] },
      { sql: 'ALTER FUNCTION f(int) SET SCHEMA util;', at: [1, 1] },
    ],
  },
  {
    rule: 'ban-drop-sequence',
    severity: 'warning',
    pass: ['CREATE SEQUENCE s;'],
    fail: [{ sql: 'DROP SEQUENCE s;', at: [1, 1] }],
  },
]);
