import { expect, test } from 'vitest';
import { loadParser } from '../../../src/dialects/postgres/parser.js';
import { MigrationFileError } from '../../../src/errors.js';
import { bareColumnRefs } from '../../../src/online/column-refs.js';
import { opBuilder as op } from '../../../src/online/index.js';
import type { SchemaInfo } from '../../../src/online/introspect.js';
import { buildOnlinePlan } from '../../../src/online/plan.js';
import { prepareOperation } from '../../../src/online/registry.js';
import { dropTriggerStatements, triggerStatements } from '../../../src/online/triggers.js';
import type { OnlineOperation } from '../../../src/online/types.js';
import { versionSchemaStatements } from '../../../src/online/views.js';
import { postgresQuoting, render } from '../../../src/sql/tag.js';

const info: SchemaInfo = new Map([
  [
    'users',
    {
      name: 'users',
      columns: [
        { name: 'id', type: 'integer', notNull: true, default: null, special: false },
        { name: 'email', type: 'text', notNull: false, default: null, special: false },
        { name: 'age', type: 'integer', notNull: false, default: null, special: false },
        { name: 'legacy', type: 'boolean', notNull: true, default: 'true', special: false },
        { name: 'code', type: 'text', notNull: true, default: null, special: false },
      ],
      primaryKey: ['id'],
      indexes: [],
      constraints: [],
    },
  ],
]);

const plan = (ops: OnlineOperation[]) =>
  buildOnlinePlan({
    schema: 'public',
    info,
    operations: ops.map(prepareOperation),
    newSchema: 'sluice_2_x',
    oldSchema: 'sluice_base',
    createdOldSchema: true,
    securityInvoker: true,
    file: 'm.ts',
  });

test('trigger and views of a rename + alter + drop', () => {
  const p = plan([
    op.renameColumn('users', 'email', 'email_address'),
    op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' }),
    op.dropColumn('users', 'legacy', { down: 'false' }),
  ]);
  const t = p.tables[0]!;
  const { functions, install } = triggerStatements(p, t);
  const text = functions.map((f) => render(f, postgresQuoting).text);
  expect(text).toMatchInlineSnapshot(`
    [
      "CREATE OR REPLACE FUNCTION "public"."_sluice_up_1135767d_users"() RETURNS trigger LANGUAGE plpgsql AS $sluice$
    DECLARE
      "age" "public"."users"."age"%TYPE := NEW."age";
    BEGIN
      NEW."_sluice_age" := (age::bigint);
      RETURN NEW;
    END
    $sluice$",
      "CREATE OR REPLACE FUNCTION "public"."_sluice_down_1135767d_users"() RETURNS trigger LANGUAGE plpgsql AS $sluice$
    DECLARE
      "age" "public"."users"."_sluice_age"%TYPE := NEW."_sluice_age";
    BEGIN
      NEW."age" := (age::int);
      NEW."legacy" := (false);
      RETURN NEW;
    END
    $sluice$",
      "CREATE OR REPLACE FUNCTION "public"."_sluice_downu_1135767d_users"() RETURNS trigger LANGUAGE plpgsql AS $sluice$
    DECLARE
      "age" "public"."users"."_sluice_age"%TYPE := NEW."_sluice_age";
    BEGIN
      NEW."age" := (age::int);
      RETURN NEW;
    END
    $sluice$",
    ]
  `);
  expect(install.map((f) => render(f, postgresQuoting).text)).toMatchInlineSnapshot(`
    [
      "DROP TRIGGER IF EXISTS "_sluice_sync_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_syncu_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_up_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_upu_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_down_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_downu_516f4342" ON "public"."users"",
      "CREATE TRIGGER "_sluice_up_516f4342" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (current_schema() IS DISTINCT FROM 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_up_1135767d_users"()",
      "CREATE TRIGGER "_sluice_upu_516f4342" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((NEW."_sluice_age" IS DISTINCT FROM OLD."_sluice_age" OR NEW."age" IS DISTINCT FROM OLD."age" OR NEW."_sluice_age" IS NULL OR NEW."age" IS NULL) AND current_schema() IS DISTINCT FROM 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_up_1135767d_users"()",
      "CREATE TRIGGER "_sluice_down_516f4342" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (current_schema() = 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_down_1135767d_users"()",
      "CREATE TRIGGER "_sluice_downu_516f4342" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((NEW."_sluice_age" IS DISTINCT FROM OLD."_sluice_age" OR NEW."age" IS DISTINCT FROM OLD."age" OR NEW."_sluice_age" IS NULL OR NEW."age" IS NULL) AND current_schema() = 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_downu_1135767d_users"()",
    ]
  `);
  const views = versionSchemaStatements(p, 'new').map((f) => render(f, postgresQuoting).text);
  expect(views).toMatchInlineSnapshot(`
    [
      "DROP SCHEMA IF EXISTS "sluice_2_x" CASCADE",
      "CREATE SCHEMA "sluice_2_x"",
      "CREATE VIEW "sluice_2_x"."users" WITH (security_invoker = true) AS SELECT "id", "email" AS "email_address", "_sluice_age" AS "age", "code" FROM "public"."users"",
      "DO $sluice_grants$
    DECLARE
      r record;
      done text[] := '{}';
    BEGIN
      FOR r IN
        SELECT g.target, g.who, g.opt,
               string_agg(g.priv || coalesce(' (' || quote_ident(g.col) || ')', ''), ', ' ORDER BY g.col NULLS FIRST, g.priv) AS privs
          FROM (SELECT m.target, a.privilege_type AS priv, a.is_grantable AS opt, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS who, NULL::text AS col
          FROM (VALUES ('"public"."users"', '"sluice_2_x"."users"')) AS m(source, target)
          JOIN pg_class c ON c.oid = m.source::regclass
          CROSS JOIN aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
         WHERE a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
        UNION ALL
        SELECT m.target, a.privilege_type, a.is_grantable, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END, m.name
          FROM (VALUES ('"public"."users"', '"sluice_2_x"."users"', 'id', 'id'), ('"public"."users"', '"sluice_2_x"."users"', 'email_address', 'email'), ('"public"."users"', '"sluice_2_x"."users"', 'age', '_sluice_age'), ('"public"."users"', '"sluice_2_x"."users"', 'code', 'code')) AS m(source, target, name, physical)
          JOIN pg_attribute t ON t.attrelid = m.source::regclass AND t.attname = m.physical AND NOT t.attisdropped
          CROSS JOIN aclexplode(t.attacl) a
         WHERE a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')) g
         GROUP BY g.target, g.who, g.opt
      LOOP
        EXECUTE format('GRANT %s ON TABLE %s TO %s%s', r.privs, r.target, r.who,
          CASE WHEN r.opt THEN ' WITH GRANT OPTION' ELSE '' END);
        IF NOT r.who = ANY (done) THEN
          EXECUTE format('GRANT USAGE ON SCHEMA %s TO %s', '"sluice_2_x"', r.who);
          done := done || r.who;
        END IF;
      END LOOP;
    END
    $sluice_grants$",
    ]
  `);
});

test('planning names the operation that does not fit the schema', () => {
  expect(() => plan([op.renameColumn('users', 'nope', 'x')])).toThrow(MigrationFileError);
  expect(() => plan([op.renameColumn('users', 'nope', 'x')])).toThrow(
    'Online operation 1 (renameColumn users.nope → x): column "nope" does not exist in table "users".',
  );
  expect(() => plan([op.renameColumn('users', 'email', 'e2'), op.dropColumn('users', 'e2')])).toThrow(
    /already changed by an earlier operation/,
  );
  expect(() => plan([op.dropColumn('users', 'code')])).toThrow(/NOT NULL without a default/);
  expect(() => plan([op.alterColumn('users', 'id', { type: 'bigint' })])).toThrow(/part of the primary key/);
  expect(() => plan([op.renameTable('users', 'a'), op.renameTable('a', 'b')])).toThrow(/already renamed/);
  expect(() => plan([op.renameTable('users', 'a'), op.dropTable('a')])).toThrow(/renamed earlier/);
});

test('planning refuses a table of another schema and a name an earlier operation claimed', () => {
  expect(() => plan([op.renameColumn('app.users', 'email', 'mail')])).toThrow(
    'Online operation 1 (renameColumn app.users.email → mail): table "app.users" is not in schema "public", the one this online migration changes.',
  );
  expect(plan([op.renameColumn('public.users', 'email', 'mail')]).steps).toHaveLength(1);
  // Default names: users_email_key for both, which PostgreSQL would not build twice.
  expect(() =>
    plan([
      op.alterColumn('users', 'email', { type: 'varchar(99)', unique: true }),
      op.addUnique('users', 'email'),
    ]),
  ).toThrow(
    /Online operation 2 \(addUnique users_email_key on users\): an index or constraint named "users_email_key" already exists/,
  );
  expect(() =>
    plan([
      op.addColumn('users', 'nick', { type: 'text', unique: true }),
      op.addIndex('users', ['age'], { name: 'users_nick_key' }),
    ]),
  ).toThrow(
    'Online operation 2 (addIndex users_nick_key on users): an index or constraint named "users_nick_key" already exists.',
  );
  expect(() =>
    plan([
      op.addColumn('users', 'a', { type: 'int', check: { name: 'positive', expression: 'a > 0' } }),
      op.addColumn('users', 'b', { type: 'int', check: { name: 'positive', expression: 'b > 0' } }),
    ]),
  ).toThrow(
    /Online operation 2 \(addColumn users.b\): a constraint named "positive" already exists on table "users"/,
  );
});

test('a planned step is tagged with its kind, and its defaults are SQL', () => {
  const p = plan([
    op.addColumn('users', 'label', { type: 'text', default: "it's" }),
    op.alterColumn('users', 'age', { default: { sql: 'now()' } }),
  ]);
  expect(p.steps.map((s) => [s.kind, s.kind === 'addColumn' ? s.resolved.default : null])).toEqual([
    ['addColumn', "'it''s'"],
    ['alterColumn', null],
  ]);
  const altered = p.steps[1];
  expect(altered?.kind === 'alterColumn' && !altered.resolved.renameOnly && altered.resolved.default).toBe(
    'now()',
  );
});

test('the UPDATE triggers fire only when a column read or written by an expression needs it, and only for their writers', () => {
  const p = plan([op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' })]);
  const text = triggerStatements(p, p.tables[0]!).install.map((f) => render(f, postgresQuoting).text);
  const changed =
    'NEW."_sluice_age" IS DISTINCT FROM OLD."_sluice_age" OR NEW."age" IS DISTINCT FROM OLD."age" OR NEW."_sluice_age" IS NULL OR NEW."age" IS NULL';
  const updates = text.filter((s) => s.includes('BEFORE UPDATE')).map((s) => s.split(' WHEN ')[1]);
  expect(updates).toEqual([
    `((${changed}) AND current_schema() IS DISTINCT FROM 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_up_1135767d_users"()`,
    `((${changed}) AND current_schema() = 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_down_1135767d_users"()`,
  ]);
  // An expression that reads no column must run on every update: WHEN tests the writer only.
  const constant = plan([op.addColumn('users', 'flag', { type: 'boolean', up: 'true' })]);
  const all = triggerStatements(constant, constant.tables[0]!).install.map(
    (f) => render(f, postgresQuoting).text,
  );
  expect(all.filter((s) => s.startsWith('CREATE'))).toMatchInlineSnapshot(`
    [
      "CREATE TRIGGER "_sluice_up_516f4342" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (current_schema() IS DISTINCT FROM 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_up_1135767d_users"()",
      "CREATE TRIGGER "_sluice_upu_516f4342" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN (current_schema() IS DISTINCT FROM 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_up_1135767d_users"()",
    ]
  `);
});

test("a direction without assignments gets no trigger; drops remove every name, earlier releases' too", () => {
  const p = plan([op.addColumn('users', 'email_address', { type: 'text', up: 'lower(email)' })]);
  const t = p.tables[0]!;
  const { functions, install } = triggerStatements(p, t);
  expect(functions.map((f) => render(f, postgresQuoting).text)).toMatchInlineSnapshot(`
    [
      "CREATE OR REPLACE FUNCTION "public"."_sluice_up_1135767d_users"() RETURNS trigger LANGUAGE plpgsql AS $sluice$
    DECLARE
      "email" "public"."users"."email"%TYPE := NEW."email";
    BEGIN
      NEW."_sluice_email_address" := (lower(email));
      RETURN NEW;
    END
    $sluice$",
    ]
  `);
  expect(
    install.map((f) => render(f, postgresQuoting).text).filter((s) => s.startsWith('CREATE')),
  ).toMatchInlineSnapshot(`
    [
      "CREATE TRIGGER "_sluice_up_516f4342" BEFORE INSERT ON "public"."users" FOR EACH ROW WHEN (current_schema() IS DISTINCT FROM 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_up_1135767d_users"()",
      "CREATE TRIGGER "_sluice_upu_516f4342" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN ((NEW."email" IS DISTINCT FROM OLD."email" OR NEW."_sluice_email_address" IS NULL) AND current_schema() IS DISTINCT FROM 'sluice_2_x') EXECUTE FUNCTION "public"."_sluice_up_1135767d_users"()",
    ]
  `);
  expect(
    dropTriggerStatements(p, t, 'users').map((f) => render(f, postgresQuoting).text),
  ).toMatchInlineSnapshot(`
    [
      "DROP TRIGGER IF EXISTS "_sluice_sync_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_syncu_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_up_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_upu_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_down_516f4342" ON "public"."users"",
      "DROP TRIGGER IF EXISTS "_sluice_downu_516f4342" ON "public"."users"",
      "DROP FUNCTION IF EXISTS "public"."_sluice_sync_1135767d_users"()",
      "DROP FUNCTION IF EXISTS "public"."_sluice_up_1135767d_users"()",
      "DROP FUNCTION IF EXISTS "public"."_sluice_upu_1135767d_users"()",
      "DROP FUNCTION IF EXISTS "public"."_sluice_down_1135767d_users"()",
      "DROP FUNCTION IF EXISTS "public"."_sluice_downu_1135767d_users"()",
    ]
  `);
});

test('with the parser loaded, expressions read the written row in place: NEW."physical", no variables', async () => {
  await loadParser();
  const p = plan([
    op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' }),
    op.dropColumn('users', 'legacy', { down: 'false' }),
    op.addColumn('users', 'label', { type: 'text', up: `"code" || ':' || lower(email) || 'age'` }),
  ]);
  const text = triggerStatements(p, p.tables[0]!).functions.map((f) => render(f, postgresQuoting).text);
  expect(text[0]).toContain(`NEW."_sluice_age" := (NEW."age"::bigint);`);
  // Quoted and bare references, none inside the string literal or the function name.
  expect(text[0]).toContain(`NEW."_sluice_label" := (NEW."code" || ':' || lower(NEW."email") || 'age');`);
  expect(text[1]).toContain(`NEW."age" := (NEW."_sluice_age"::int);`);
  for (const t of text) expect(t).not.toContain('DECLARE');
});

test('an expression the parser cannot map with certainty keeps the variables', async () => {
  await loadParser();
  const p = plan([
    op.addColumn('users', 'label', {
      type: 'text',
      up: '(SELECT max(code) FROM users u WHERE u.id < id) || email',
    }),
  ]);
  const [fn] = triggerStatements(p, p.tables[0]!).functions.map((f) => render(f, postgresQuoting).text);
  expect(fn).toContain(`"email" "public"."users"."email"%TYPE := NEW."email";`);
  expect(fn).toContain(`NEW."_sluice_label" := ((SELECT max(code) FROM users u WHERE u.id < id) || email);`);
});

test('bareColumnRefs: spans of bare references; null for anything uncertain', async () => {
  await loadParser();
  expect(bareColumnRefs(`lower(email) || "Note" || 'email'`)).toEqual([
    { name: 'email', start: 6, end: 11 },
    { name: 'Note', start: 16, end: 22 },
  ]);
  expect(bareColumnRefs(`"a""b" + Äge`)).toEqual([
    { name: 'a"b', start: 0, end: 6 },
    { name: 'Äge', start: 9, end: 12 }, // only ASCII letters fold
  ]);
  expect(bareColumnRefs('users.email')).toBeNull(); // qualified
  expect(bareColumnRefs('(SELECT 1) + a')).toBeNull(); // subquery
  expect(bareColumnRefs('a; DROP TABLE x')).toBeNull(); // not one expression
  expect(bareColumnRefs('1 +')).toBeNull(); // does not parse
  expect(bareColumnRefs(`1 + 2`)).toEqual([]);
});
