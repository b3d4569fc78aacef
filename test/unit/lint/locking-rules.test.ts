import { runRuleTables } from './rule-table.js';

runRuleTables([
  {
    rule: 'adding-field-with-default',
    severity: 'error',
    pass: [
      'ALTER TABLE t ADD COLUMN c int DEFAULT 10;',
      'ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();',
      "ALTER TABLE t ADD COLUMN c jsonb DEFAULT '{}'::jsonb;",
      'ALTER TABLE t ADD COLUMN c timestamptz DEFAULT CURRENT_TIMESTAMP;',
      'ALTER TABLE t ADD COLUMN c int;',
      'CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();',
      { sql: 'ALTER TABLE t ADD COLUMN c int DEFAULT NULL;', options: { pgVersion: 10 } },
    ],
    fail: [
      { sql: 'ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();', at: [1, 41] },
      { sql: 'ALTER TABLE t ADD COLUMN c int DEFAULT 10;', at: [1, 40], options: { pgVersion: 10 } },
      { sql: 'ALTER TABLE t ADD COLUMN c int DEFAULT my_func();', at: [1, 40] },
      { sql: 'ALTER TABLE t ADD COLUMN c numeric GENERATED ALWAYS AS (a * 2) STORED;', at: [1, 26] },
      { sql: 'ALTER TABLE t ADD COLUMN id bigserial;', at: [1, 26] },
      {
        sql: 'CREATE TABLE a (id int);\nALTER TABLE t\n  ADD COLUMN c float8 DEFAULT random();',
        at: [3, 31],
      },
    ],
  },
  {
    rule: 'adding-foreign-key-constraint',
    severity: 'error',
    pass: [
      'ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID;',
      'ALTER TABLE o VALIDATE CONSTRAINT fk;',
      'CREATE TABLE o (id bigint, u bigint REFERENCES users (id));',
      'CREATE TABLE o (id bigint);\nALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES users (id);',
    ],
    fail: [
      {
        sql: 'ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) ON DELETE CASCADE;',
        at: [1, 19],
      },
      { sql: 'ALTER TABLE o ADD FOREIGN KEY (u) REFERENCES users;', at: [1, 19] },
      { sql: 'ALTER TABLE o ADD COLUMN u bigint REFERENCES users (id);', at: [1, 35] },
    ],
  },
  {
    rule: 'adding-not-nullable-field',
    severity: 'error',
    pass: [
      'ALTER TABLE t ALTER COLUMN c DROP NOT NULL;',
      'CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c SET NOT NULL;',
      {
        sql: 'ALTER TABLE t ADD CONSTRAINT nn CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT nn;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;',
        options: { transaction: false },
      },
    ],
    fail: [
      { sql: 'ALTER TABLE t ALTER COLUMN c SET NOT NULL;', at: [1, 1] },
      {
        sql: 'ALTER TABLE t ADD CONSTRAINT nn CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT nn;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;',
        at: [3, 1],
        options: { transaction: false, pgVersion: 11 },
      },
      {
        sql: 'ALTER TABLE t ADD CONSTRAINT nn CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;',
        at: [2, 1],
      },
    ],
  },
  {
    rule: 'adding-required-field',
    severity: 'error',
    pass: [
      'ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;',
      'ALTER TABLE t ADD COLUMN c int;',
      'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN c int NOT NULL;',
      'ALTER TABLE t ADD COLUMN c bigint NOT NULL GENERATED ALWAYS AS IDENTITY;',
    ],
    fail: [{ sql: 'ALTER TABLE t ADD COLUMN c text NOT NULL;', at: [1, 33] }],
  },
  {
    rule: 'adding-serial-primary-key-field',
    severity: 'error',
    pass: [
      'ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;',
      'CREATE TABLE t (id bigint PRIMARY KEY);',
    ],
    fail: [
      { sql: 'ALTER TABLE t ADD PRIMARY KEY (id);', at: [1, 19] },
      { sql: 'ALTER TABLE t ADD COLUMN id bigserial PRIMARY KEY;', at: [1, 39] },
    ],
  },
  {
    rule: 'changing-column-type',
    severity: 'error',
    pass: [
      'CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c TYPE bigint;',
      { sql: 'CREATE TABLE t (c varchar(10));\nALTER TABLE t ALTER COLUMN c TYPE text;', options: {} },
    ],
    fail: [
      { sql: 'ALTER TABLE t ALTER COLUMN c TYPE bigint;', at: [1, 35] },
      { sql: 'ALTER TABLE t ALTER COLUMN c TYPE text USING c::text;', at: [1, 35] },
    ],
  },
  {
    rule: 'constraint-missing-not-valid',
    severity: 'error',
    pass: [
      'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;',
      'ALTER TABLE t VALIDATE CONSTRAINT c;',
      {
        sql: 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;',
        options: { transaction: false },
      },
      'CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);',
    ],
    fail: [
      { sql: 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);', at: [1, 19] },
      { sql: 'ALTER TABLE t ADD CHECK (a > 0 AND b IS NOT NULL);', at: [1, 19] },
      {
        sql: 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;',
        at: [2, 1],
      },
      {
        sql: 'ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID;\nALTER TABLE o VALIDATE CONSTRAINT fk;',
        at: [2, 1],
      },
      {
        sql: 'BEGIN;\nALTER TABLE t ADD COLUMN x int;\nALTER TABLE t VALIDATE CONSTRAINT c;\nCOMMIT;',
        at: [3, 1],
        options: { transaction: false },
      },
    ],
  },
  {
    rule: 'disallowed-unique-constraint',
    severity: 'error',
    pass: ['ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX u;', 'CREATE TABLE t (a int UNIQUE);'],
    fail: [
      { sql: 'ALTER TABLE t ADD CONSTRAINT u UNIQUE (a);', at: [1, 19] },
      { sql: 'ALTER TABLE t ADD COLUMN a int UNIQUE;', at: [1, 32] },
    ],
  },
  {
    rule: 'adding-exclusion-constraint',
    severity: 'error',
    pass: ['CREATE TABLE r (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));'],
    fail: [
      {
        sql: 'ALTER TABLE r ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);',
        at: [1, 19],
      },
    ],
  },
]);
