/** Kinds written as SQL with their reverse: schemas, extensions, sequences, routines, types, triggers, policies, grants. */
import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../../src/schema/diff/index.js';
import type { Domain, Grant } from '../../../src/schema/model.js';
import { column, model, pub, routine, sequence, show, table, trigger, view } from './builders.js';

describe('schemas and extensions', () => {
  it('creates, drops, updates and moves them', () => {
    const diff = diffSchemas(
      model({
        schemas: [{ name: 'old', owner: 'x', comment: null }],
        extensions: [
          { name: 'pg_trgm', schema: 'public', version: '1.5', comment: null },
          { name: 'gone', schema: 'public', version: '1.0', comment: null },
        ],
      }),
      model({
        schemas: [{ name: 'app', owner: 'someone else', comment: 'the app' }],
        extensions: [
          { name: 'pg_trgm', schema: 'app', version: '1.6', comment: null },
          { name: 'citext', schema: 'public', version: '1.6', comment: null },
        ],
      }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "dropExtensions: DROP EXTENSION "gone" ⟲ CREATE EXTENSION "gone" WITH SCHEMA "public" VERSION '1.0' [needsReview]",
        "dropSchemas: DROP SCHEMA "old" ⟲ CREATE SCHEMA "old" [needsReview]",
        "createSchemas: CREATE SCHEMA "app" ⟲ DROP SCHEMA "app"",
        "createExtensions: ALTER EXTENSION "pg_trgm" UPDATE TO '1.6' ⟲ ALTER EXTENSION "pg_trgm" UPDATE TO '1.5' [needsReview]",
        "createExtensions: ALTER EXTENSION "pg_trgm" SET SCHEMA "app" ⟲ ALTER EXTENSION "pg_trgm" SET SCHEMA "public"",
        "createExtensions: CREATE EXTENSION "citext" WITH SCHEMA "public" VERSION '1.6' ⟲ DROP EXTENSION "citext"",
        "comments: COMMENT ON SCHEMA "app" IS 'the app' ⟲ COMMENT ON SCHEMA "app" IS NULL",
      ]
    `);
  });
});

describe('sequences', () => {
  it('creates before tables and owns after them; alters options; leaves identity and owned-by-dropped ones alone', () => {
    const diff = diffSchemas(
      model({
        sequences: [
          sequence('counter'),
          sequence('t_id_seq', { identity: true, ownedBy: { table: pub('t'), column: 'id' } }),
          sequence('old_n_seq', { ownedBy: { table: pub('old'), column: 'n' } }),
        ],
        tables: [table('old', { columns: [column('n', 'integer')] })],
      }),
      model({
        sequences: [
          sequence('counter', { increment: '5', cycle: true }),
          sequence('users_n_seq', { ownedBy: { table: pub('users'), column: 'n' } }),
        ],
        tables: [
          table('users', {
            columns: [column('n', 'integer', { default: "nextval('users_n_seq'::regclass)" })],
          }),
        ],
      }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "dropTables: drop table public.old [deletesData]",
        "createSequences: ALTER SEQUENCE "public"."counter" AS integer INCREMENT BY 5 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1 CYCLE ⟲ ALTER SEQUENCE "public"."counter" AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1 NO CYCLE",
        "createSequences: CREATE SEQUENCE "public"."users_n_seq" AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1 NO CYCLE ⟲ DROP SEQUENCE "public"."users_n_seq"",
        "createTables: create table public.users",
        "ownSequences: ALTER SEQUENCE "public"."users_n_seq" OWNED BY "public"."users"."n"",
      ]
    `);
  });
});

describe('routines', () => {
  it('replaces a body in place, re-creates on a new result type (flagged), drops the gone', () => {
    const diff = diffSchemas(
      model({
        routines: [routine('one', 'SELECT 1'), routine('two', 'SELECT 2'), routine('gone', 'SELECT 0')],
      }),
      model({
        routines: [
          routine('one', 'SELECT 11'),
          routine('two', 'SELECT 2', { returns: 'bigint', comment: 'two' }),
          routine('three', 'SELECT 3'),
        ],
      }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "dropRoutines: DROP FUNCTION "public"."gone"() ⟲ CREATE OR REPLACE FUNCTION public.gone()
       RETURNS integer
       LANGUAGE sql
      AS $function$SELECT 0$function$",
        "createRoutines: CREATE OR REPLACE FUNCTION public.one()
       RETURNS integer
       LANGUAGE sql
      AS $function$SELECT 11$function$ ⟲ CREATE OR REPLACE FUNCTION public.one()
       RETURNS integer
       LANGUAGE sql
      AS $function$SELECT 1$function$",
        "createRoutines: DROP FUNCTION "public"."two"();
      CREATE OR REPLACE FUNCTION public.two()
       RETURNS bigint
       LANGUAGE sql
      AS $function$SELECT 2$function$ ⟲ DROP FUNCTION "public"."two"();
      CREATE OR REPLACE FUNCTION public.two()
       RETURNS integer
       LANGUAGE sql
      AS $function$SELECT 2$function$ [needsReview]",
        "createRoutines: CREATE OR REPLACE FUNCTION public.three()
       RETURNS integer
       LANGUAGE sql
      AS $function$SELECT 3$function$ ⟲ DROP FUNCTION "public"."three"()",
        "comments: COMMENT ON FUNCTION "public"."two"() IS 'two' ⟲ COMMENT ON FUNCTION "public"."two"() IS NULL",
      ]
    `);
  });
});

describe('domains and composites', () => {
  const positive: Domain = {
    ...pub('positive'),
    type: 'integer',
    nullable: true,
    default: null,
    collation: null,
    checks: [{ name: 'positive_check', definition: 'CHECK ((VALUE > 0))', validated: true }],
    comment: null,
  };
  it('alters a domain in place, re-creates it on a new base type (flagged)', () => {
    const diff = diffSchemas(
      model({ domains: [positive, { ...positive, name: 'small' }] }),
      model({
        domains: [
          { ...positive, nullable: false, default: '1', checks: [] },
          { ...positive, name: 'small', type: 'smallint' },
        ],
      }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "alterTypes: ALTER DOMAIN "public"."positive" SET DEFAULT 1 ⟲ ALTER DOMAIN "public"."positive" DROP DEFAULT",
        "alterTypes: ALTER DOMAIN "public"."positive" SET NOT NULL ⟲ ALTER DOMAIN "public"."positive" DROP NOT NULL",
        "alterTypes: ALTER DOMAIN "public"."positive" DROP CONSTRAINT "positive_check" ⟲ ALTER DOMAIN "public"."positive" ADD CONSTRAINT "positive_check" CHECK ((VALUE > 0))",
        "alterTypes: DROP DOMAIN "public"."small";
      CREATE DOMAIN "public"."small" AS smallint CONSTRAINT "positive_check" CHECK ((VALUE > 0)) ⟲ DROP DOMAIN "public"."small";
      CREATE DOMAIN "public"."small" AS integer CONSTRAINT "positive_check" CHECK ((VALUE > 0)) [needsReview]",
      ]
    `);
  });

  it('adds, drops and retypes attributes of a composite', () => {
    const pair = {
      ...pub('pair'),
      attributes: [
        { name: 'a', type: 'integer', collation: null },
        { name: 'b', type: 'text', collation: null },
      ],
      comment: null,
    };
    const diff = diffSchemas(
      model({ composites: [pair] }),
      model({
        composites: [
          {
            ...pair,
            attributes: [
              { name: 'a', type: 'bigint', collation: null },
              { name: 'c', type: 'date', collation: null },
            ],
          },
          { ...pair, name: 'fresh' },
        ],
      }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "createTypes: CREATE TYPE "public"."fresh" AS ("a" integer, "b" text) ⟲ DROP TYPE "public"."fresh"",
        "alterTypes: ALTER TYPE "public"."pair" ALTER ATTRIBUTE "a" TYPE bigint ⟲ ALTER TYPE "public"."pair" ALTER ATTRIBUTE "a" TYPE integer [needsReview, rewritesTable]",
        "alterTypes: ALTER TYPE "public"."pair" DROP ATTRIBUTE "b" [deletesData, needsReview, rewritesTable]",
        "alterTypes: ALTER TYPE "public"."pair" ADD ATTRIBUTE "c" date ⟲ ALTER TYPE "public"."pair" DROP ATTRIBUTE "c"",
      ]
    `);
  });
});

describe('triggers and policies', () => {
  it('drops and re-creates a changed trigger or policy, toggles row security and trigger state', () => {
    const policy = {
      name: 'own',
      permissive: true,
      command: 'select' as const,
      roles: ['public'],
      using: '(owner = CURRENT_USER)',
      check: null,
      comment: null,
      dependsOn: [],
    };
    const before = table('t', { triggers: [trigger('t_touch'), trigger('t_gone')], policies: [policy] });
    const after = table('t', {
      rowSecurity: true,
      triggers: [trigger('t_touch', { enabled: 'disabled' }), trigger('t_new', { comment: 'fresh' })],
      policies: [{ ...policy, roles: ['reader', 'writer'], check: '(true)' }],
    });
    expect(
      show(diffSchemas(model({ tables: [before] }), model({ tables: [after] })).changes),
    ).toMatchInlineSnapshot(`
      [
        "dropTriggers: DROP TRIGGER "t_gone" ON "public"."t" ⟲ CREATE TRIGGER "t_gone" BEFORE INSERT ON "public"."t" FOR EACH ROW EXECUTE FUNCTION touch()",
        "dropTriggers: DROP POLICY "own" ON "public"."t" ⟲ CREATE POLICY "own" ON "public"."t" AS PERMISSIVE FOR SELECT TO PUBLIC USING ((owner = CURRENT_USER))",
        "createTriggers: ALTER TABLE "public"."t" DISABLE TRIGGER "t_touch" ⟲ ALTER TABLE "public"."t" ENABLE TRIGGER "t_touch"",
        "createTriggers: CREATE TRIGGER "t_new" BEFORE INSERT ON "public"."t" FOR EACH ROW EXECUTE FUNCTION touch();
      COMMENT ON TRIGGER "t_new" ON "public"."t" IS 'fresh' ⟲ DROP TRIGGER "t_new" ON "public"."t"",
        "createTriggers: ALTER TABLE "public"."t" ENABLE ROW LEVEL SECURITY ⟲ ALTER TABLE "public"."t" DISABLE ROW LEVEL SECURITY",
        "createTriggers: CREATE POLICY "own" ON "public"."t" AS PERMISSIVE FOR SELECT TO "reader", "writer" USING ((owner = CURRENT_USER)) WITH CHECK ((true)) ⟲ DROP POLICY "own" ON "public"."t"",
      ]
    `);
  });
});

describe('grants', () => {
  const select: Grant = {
    on: { kind: 'table', name: pub('t') },
    grantee: 'reader',
    privilege: 'SELECT',
    grantable: false,
  };
  const execute: Grant = {
    on: { kind: 'routine', name: pub('f'), arguments: 'integer' },
    grantee: 'public',
    privilege: 'EXECUTE',
    grantable: false,
  };
  const f = routine('f', 'SELECT 1', { identityArguments: 'integer' });
  const t = table('t', { columns: [column('name', 'text')] });

  it('revokes first, grants last, and re-grants a changed grant option', () => {
    const diff = diffSchemas(
      model({ tables: [t], routines: [f], grants: [select, execute] }),
      model({
        tables: [t],
        routines: [f],
        grants: [
          { ...select, grantable: true },
          { ...select, privilege: 'UPDATE', column: 'name' },
        ],
      }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "revokeGrants: REVOKE SELECT ON TABLE "public"."t" FROM "reader" ⟲ GRANT SELECT ON TABLE "public"."t" TO "reader"",
        "revokeGrants: REVOKE EXECUTE ON ROUTINE "public"."f"(integer) FROM PUBLIC ⟲ GRANT EXECUTE ON ROUTINE "public"."f"(integer) TO PUBLIC",
        "grants: GRANT SELECT ON TABLE "public"."t" TO "reader" WITH GRANT OPTION ⟲ REVOKE SELECT ON TABLE "public"."t" FROM "reader"",
        "grants: GRANT UPDATE ("name") ON TABLE "public"."t" TO "reader" ⟲ REVOKE UPDATE ("name") ON TABLE "public"."t" FROM "reader"",
      ]
    `);
  });

  it('leaves the privileges of a dropped object and the defaults of a new one to PostgreSQL', () => {
    const diff = diffSchemas(
      model({ tables: [t], grants: [select] }),
      model({ routines: [f], grants: [execute] }),
    );
    expect(diff.changes.filter((c) => c.object.kind === 'grant')).toEqual([]);
  });

  it('grants again on a view that is dropped and created again', () => {
    const v = view('v', 'SELECT 1 AS one');
    const onView: Grant = { ...select, on: { kind: 'view', name: pub('v') } };
    const diff = diffSchemas(
      model({ views: [v], grants: [onView] }),
      model({ views: [{ ...v, query: 'SELECT 2 AS one' }], grants: [onView] }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "dropViews: drop view public.v",
        "createViews: create view public.v",
        "grants: GRANT SELECT ON TABLE "public"."v" TO "reader" ⟲ REVOKE SELECT ON TABLE "public"."v" FROM "reader"",
      ]
    `);
  });
});
