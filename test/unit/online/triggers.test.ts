import { expect, test } from 'vitest';
import { MigrationFileError } from '../../../src/errors.js';
import { opBuilder as op } from '../../../src/online/index.js';
import type { SchemaInfo } from '../../../src/online/introspect.js';
import { buildPlan } from '../../../src/online/plan.js';
import { handlerFor } from '../../../src/online/registry.js';
import { triggerStatements } from '../../../src/online/triggers.js';
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

const plan = (ops: ReturnType<(typeof op)[keyof typeof op]>[]) =>
  buildPlan({
    schema: 'public',
    info,
    ops,
    planOp: (o, b) => handlerFor(o.kind)!.plan(o, b),
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
  const text = triggerStatements(p, t).map((f) => render(f, postgresQuoting).text);
  expect(text[0]).toMatchInlineSnapshot(`
    "CREATE OR REPLACE FUNCTION "public"."_sluice_sync_1135767d_users"() RETURNS trigger LANGUAGE plpgsql AS $sluice$
    BEGIN
      IF (current_schemas(false))[1] IS DISTINCT FROM 'sluice_2_x' THEN
        DECLARE
          "age" "public"."users"."age"%TYPE := NEW."age";
        BEGIN
          NEW."_sluice_age" := (age::bigint);
        END;
      ELSE
        DECLARE
          "age" "public"."users"."_sluice_age"%TYPE := NEW."_sluice_age";
        BEGIN
          NEW."age" := (age::int);
          IF TG_OP = 'INSERT' THEN NEW."legacy" := (false); END IF;
        END;
      END IF;
      RETURN NEW;
    END
    $sluice$"
  `);
  const views = versionSchemaStatements(p, 'new').map((f) => render(f, postgresQuoting).text);
  expect(views).toMatchInlineSnapshot(`
    [
      "DROP SCHEMA IF EXISTS "sluice_2_x" CASCADE",
      "CREATE SCHEMA "sluice_2_x"",
      "CREATE VIEW "sluice_2_x"."users" WITH (security_invoker = true) AS SELECT "id", "email" AS "email_address", "_sluice_age" AS "age", "code" FROM "public"."users"",
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

test('the UPDATE trigger fires only when a column read or written by an expression needs it', () => {
  const p = plan([op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' })]);
  const text = triggerStatements(p, p.tables[0]!).map((f) => render(f, postgresQuoting).text);
  const update = text.find((s) => s.includes('BEFORE UPDATE'));
  expect(update).toBe(
    'CREATE TRIGGER "_sluice_syncu_' +
      update!.split('"_sluice_syncu_')[1]!.split('"')[0] +
      '" BEFORE UPDATE ON "public"."users" FOR EACH ROW WHEN (NEW."_sluice_age" IS DISTINCT FROM OLD."_sluice_age" OR NEW."age" IS DISTINCT FROM OLD."age" OR NEW."_sluice_age" IS NULL OR NEW."age" IS NULL) EXECUTE FUNCTION ' +
      update!.split('EXECUTE FUNCTION ')[1],
  );
  expect(text.some((s) => /BEFORE INSERT ON "public"\."users" FOR EACH ROW EXECUTE/.test(s))).toBe(true);
  // An expression that reads no column must run on every update: no WHEN.
  const constant = plan([op.addColumn('users', { name: 'flag', type: 'boolean', up: 'true' })]);
  const all = triggerStatements(constant, constant.tables[0]!).map((f) => render(f, postgresQuoting).text);
  expect(all.find((s) => s.includes('BEFORE UPDATE'))).not.toContain('WHEN');
});
