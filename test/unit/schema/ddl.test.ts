/** The printers: a model as files that apply in path order to an empty database. */
import { describe, expect, it } from 'vitest';
import { sqlOperation } from '../../../src/operations/sql.js';
import { modelToSql } from '../../../src/schema/ddl/index.js';
import { change } from '../../../src/schema/diff/change.js';
import { dependencyOrder, orderChanges } from '../../../src/schema/diff/order.js';
import { postgresQuoting, renderInline } from '../../../src/sql/tag.js';
import {
  column,
  constraint,
  enumType,
  index,
  model,
  pub,
  routine,
  sequence,
  table,
  trigger,
  view,
} from './builders.js';

describe('modelToSql', () => {
  it('prints every kind in files ordered to apply cleanly, identifiers quoted', () => {
    const m = model({
      schemas: [
        { name: 'public', owner: 'postgres', comment: 'standard public schema' },
        { name: 'my "app"', owner: 'postgres', comment: null },
      ],
      extensions: [{ name: 'citext', schema: 'public', version: '1.6', comment: null }],
      enums: [enumType('mood', ['sad', "it's ok"])],
      sequences: [sequence('users_n_seq', { ownedBy: { table: pub('users'), column: 'n' } })],
      routines: [routine('one', 'SELECT 1', { comment: 'the one' })],
      tables: [
        table('users', {
          columns: [
            column('id', 'integer', { nullable: false }),
            column('n', 'integer', { default: "nextval('users_n_seq'::regclass)" }),
            column('org', 'integer', { comment: 'owner' }),
          ],
          constraints: [
            constraint('users_pkey', 'primaryKey', ['id'], 'PRIMARY KEY (id)', { index: 'users_pkey' }),
            constraint('users_org_fkey', 'foreignKey', ['org'], 'FOREIGN KEY (org) REFERENCES orgs(id)', {
              references: { table: pub('orgs'), columns: ['id'] },
            }),
          ],
          indexes: [
            index('users_pkey', ['id'], { unique: true, primary: true, constraint: 'users_pkey' }),
            index('users_org_idx', ['org']),
          ],
          triggers: [trigger('users_touch', { enabled: 'disabled' })],
          rowSecurity: true,
        }),
        table('orgs', {
          schema: 'my "app"',
          columns: [column('id', 'integer', { nullable: false })],
          constraints: [
            constraint('orgs_pkey', 'primaryKey', ['id'], 'PRIMARY KEY (id)', { index: 'orgs_pkey' }),
          ],
        }),
      ],
      views: [view('b', 'SELECT id FROM a'), view('a', 'SELECT id FROM users')],
      grants: [
        { on: { kind: 'view', name: pub('a') }, grantee: 'reader', privilege: 'SELECT', grantable: false },
      ],
    });
    const files = modelToSql(m);
    expect(files.map((f) => f.path)).toEqual([...files.map((f) => f.path)].sort());
    expect(Object.fromEntries(files.map((f) => [f.path, f.sql]))).toMatchInlineSnapshot(`
      {
        "01-schemas.sql": "CREATE SCHEMA IF NOT EXISTS "public";
      COMMENT ON SCHEMA "public" IS 'standard public schema';
      CREATE SCHEMA IF NOT EXISTS "my ""app""";
      ",
        "02-extensions.sql": "CREATE EXTENSION IF NOT EXISTS "citext" WITH SCHEMA "public" VERSION '1.6';
      ",
        "03-types/public.sql": "CREATE TYPE "public"."mood" AS ENUM ('sad', 'it''s ok');
      ",
        "04-sequences/public.sql": "CREATE SEQUENCE "public"."users_n_seq" AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1 NO CYCLE;
      ",
        "05-routines/public.sql": "SET check_function_bodies = false;
      CREATE OR REPLACE FUNCTION public.one()
       RETURNS integer
       LANGUAGE sql
      AS $function$SELECT 1$function$;
      COMMENT ON FUNCTION "public"."one"() IS 'the one';
      ",
        "07-tables/my "app".sql": "CREATE TABLE "my ""app"""."orgs" ("id" integer NOT NULL, CONSTRAINT "orgs_pkey" PRIMARY KEY (id));
      ",
        "07-tables/public.sql": "CREATE TABLE "public"."users" ("id" integer NOT NULL, "n" integer DEFAULT nextval('users_n_seq'::regclass), "org" integer, CONSTRAINT "users_pkey" PRIMARY KEY (id));
      CREATE INDEX "users_org_idx" ON "public"."users" USING btree (org);
      ALTER TABLE "public"."users" ENABLE ROW LEVEL SECURITY;
      COMMENT ON COLUMN "public"."users"."org" IS 'owner';
      ",
        "08-ownership/public.sql": "ALTER SEQUENCE "public"."users_n_seq" OWNED BY "public"."users"."n";
      ",
        "09-foreign-keys/public.sql": "ALTER TABLE "public"."users" ADD CONSTRAINT "users_org_fkey" FOREIGN KEY (org) REFERENCES orgs(id);
      ",
        "10-views.sql": "CREATE VIEW "public"."a" AS SELECT id FROM users;
      CREATE VIEW "public"."b" AS SELECT id FROM a;
      ",
        "12-triggers/public.sql": "CREATE TRIGGER "users_touch" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION touch();
      ALTER TABLE "public"."users" DISABLE TRIGGER "users_touch";
      ",
        "13-grants.sql": "GRANT SELECT ON TABLE "public"."a" TO "reader";
      REVOKE EXECUTE ON ROUTINE "public"."one"() FROM PUBLIC;
      REVOKE USAGE ON TYPE "public"."mood" FROM PUBLIC;
      ",
      }
    `);
    expect(modelToSql(structuredClone(m))).toEqual(files);
  });
});

describe('order', () => {
  it('sorts by phase, keeping the order within one', () => {
    const t = { kind: 'table' as const, name: pub('t') };
    const ordered = orderChanges([
      change('createForeignKeys', t, sqlOperation('fk')),
      change('createTables', t, sqlOperation('t1')),
      change('dropTables', t, sqlOperation('drop')),
      change('createTables', t, sqlOperation('t2')),
    ]);
    expect(ordered.map((c) => c.phase)).toEqual([
      'dropTables',
      'createTables',
      'createTables',
      'createForeignKeys',
    ]);
    expect(
      ordered.map((c) => c.operation.kind === 'sql' && renderInline(c.operation.statement, postgresQuoting)),
    ).toEqual(['drop', 't1', 't2', 'fk']);
  });

  it('puts dependencies first and survives a cycle', () => {
    const deps: Record<string, string[]> = { a: ['b'], b: ['c'], c: [], x: ['y'], y: ['x'] };
    expect(dependencyOrder(['a', 'b', 'c'], (i) => deps[i] ?? [])).toEqual(['c', 'b', 'a']);
    expect(dependencyOrder(['x', 'y'], (i) => deps[i] ?? [])).toEqual(['y', 'x']);
  });
});
