/**
 * Privileges on the objects in scope, from `aclexplode` over each catalog's ACL. A NULL ACL means
 * the object's default privileges (`acldefault`), which are exploded too, so that `REVOKE EXECUTE …
 * FROM PUBLIC` shows as a missing grant. What the owner holds on its own object is left out: the
 * owner is not compared (it differs between a scratch database and production).
 */
import type { Grant } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { rows } from './query.js';
import type { Scope } from './scope.js';

interface Row {
  kind: Grant['on']['kind'];
  schema: string;
  name: string;
  arguments: string | null;
  column: string | null;
  grantee: string;
  privilege: string;
  grantable: boolean;
}

/** SQL: the relations' kinds in the model's words. */
const RELATION_KIND = `CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END`;

/**
 * Reads the privileges granted on what `scope` holds (tables, their columns, views, sequences,
 * schemas, routines, enums, domains, composite types), sorted.
 *
 * @example
 * const grants = await readGrants(conn, scope); // [{ on: { kind: 'table', … }, grantee: 'reader', privilege: 'SELECT', … }]
 */
export async function readGrants(conn: Connection, scope: Scope): Promise<Grant[]> {
  const relations = [...scope.tables, ...scope.views, ...scope.sequences];
  const types = [...scope.enums, ...scope.domains, ...scope.composites];
  const found = await rows<Row>(
    conn,
    `SELECT * FROM (
     SELECT DISTINCT g.kind, g.schema, g.name, g.arguments, g.col AS column,
            CASE WHEN g.grantee = 0 THEN 'public' ELSE pg_get_userbyid(g.grantee)::text END AS grantee,
            g.privilege, g.grantable
       FROM (
         SELECT ${RELATION_KIND} AS kind, n.nspname::text AS schema, c.relname::text AS name,
                NULL::text AS arguments, NULL::text AS col, c.relowner AS owner, a.grantee,
                a.privilege_type AS privilege, a.is_grantable AS grantable
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                aclexplode(COALESCE(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) a
          WHERE c.oid = ANY($1::oid[])
         UNION ALL
         SELECT ${RELATION_KIND}, n.nspname, c.relname, NULL, at.attname, c.relowner, a.grantee,
                a.privilege_type, a.is_grantable
           FROM pg_attribute at JOIN pg_class c ON c.oid = at.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
                aclexplode(at.attacl) a
          WHERE at.attrelid = ANY($1::oid[]) AND at.attnum > 0 AND NOT at.attisdropped AND at.attacl IS NOT NULL
         UNION ALL
         SELECT 'schema', n.nspname, n.nspname, NULL, NULL, n.nspowner, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_namespace n, aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a
          WHERE n.oid = ANY($2::oid[])
         UNION ALL
         SELECT 'routine', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), NULL, p.proowner,
                a.grantee, a.privilege_type, a.is_grantable
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
                aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a
          WHERE p.oid = ANY($3::oid[])
         UNION ALL
         SELECT 'type', n.nspname, t.typname, NULL, NULL, t.typowner, a.grantee, a.privilege_type, a.is_grantable
           FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,
                aclexplode(COALESCE(t.typacl, acldefault('T', t.typowner))) a
          WHERE t.oid = ANY($4::oid[])
       ) g
      WHERE g.grantee <> g.owner) d
      ORDER BY d.kind COLLATE "C", d.schema COLLATE "C", d.name COLLATE "C",
               d.arguments COLLATE "C" NULLS FIRST, d.column COLLATE "C" NULLS FIRST,
               d.grantee COLLATE "C", d.privilege COLLATE "C", d.grantable`,
    [relations, scope.schemas, scope.routines, types],
  );
  return found.map((r) => {
    const on: Grant['on'] = { kind: r.kind, name: { schema: r.schema, name: r.name } };
    if (r.arguments !== null) on.arguments = r.arguments;
    const grant: Grant = { on, grantee: r.grantee, privilege: r.privilege, grantable: r.grantable };
    if (r.column !== null) grant.column = r.column;
    return grant;
  });
}
