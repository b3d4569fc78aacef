/**
 * Privileges for the objects sluice creates on the application's behalf. Applications usually run
 * as a role that does not own the tables; without these grants they could not use a version schema
 * (its views and the schema itself are owned by the migration role) or, after a `replaceTable`, the
 * new table (nor, before the swap, write the old one: its sync trigger writes the new table as the
 * writing role).
 *
 * Each statement copies what the catalog says when it runs: the table's ACL (the owner's implicit
 * rights included, from `acldefault` when the ACL was never changed) and each column's own grants,
 * under the target's name for that column. It is one `DO` block, so it runs in
 * the transaction that creates the object, and an object is never visible without its grants.
 */
import { join, literal, postgresQuoting, raw, type SqlFragment, sql } from '../sql/tag.js';

/** Privileges a view can carry. */
const VIEW_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
/** Privileges a table can carry. */
const TABLE_PRIVILEGES = [...VIEW_PRIVILEGES, 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
/** Privileges a column can carry. */
const COLUMN_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'];

const DOLLAR = '$sluice_grants$';

function qualified(schema: string, name: string): string {
  return `${postgresQuoting.ident(schema)}.${postgresQuoting.ident(name)}`;
}

function list(values: readonly string[]): SqlFragment {
  return raw(values.map((v) => `'${v}'`).join(', '));
}

export interface GrantCopy {
  /** The table whose grants are copied. */
  from: { schema: string; table: string };
  /** The view or table that receives them. */
  to: { schema: string; name: string };
  /**
   * Columns as `{ name, physical }`: `name` on the target, `physical` on the source table. Each
   * source column's own grants are copied to its target column (a source column that does not
   * exist has none); no column grants are copied when omitted.
   */
  columns?: readonly { name: string; physical: string }[];
}

export interface GrantCopyOptions {
  /** What the targets are: a view carries fewer kinds of privilege than a table. */
  kind: 'view' | 'table';
  /** Also grant `USAGE` on this schema to every role that receives something (version schemas). */
  schemaUsage?: string;
  /**
   * Grant the owner's implicit rights (a source whose ACL was never changed) explicitly. Default
   * true; false for a target that gets the source's owner, so an untouched ACL stays untouched.
   */
  implicitOwnerRights?: boolean;
}

/**
 * One statement that grants on each target what each role holds on its source, `WITH GRANT
 * OPTION` where the role holds that; null when there is nothing to copy. One statement for any
 * number of objects (one catalog read, one `GRANT` per target and role), so a version
 * schema of hundreds of views adds little to the transaction that creates it. Runs with the
 * migration role's rights: a grant it cannot give is skipped with a PostgreSQL warning, as a plain
 * `GRANT` would.
 *
 * @example
 * await run(conn, copyGrantsStatement([{ from: { schema: 'public', table: 'users' },
 *   to: { schema: 'sluice_v2', name: 'users' } }], { kind: 'view', schemaUsage: 'sluice_v2' }));
 */
export function copyGrantsStatement(copies: readonly GrantCopy[], o: GrantCopyOptions): SqlFragment | null {
  if (copies.length === 0) return null;
  const pair = (c: GrantCopy) =>
    sql`${literal(qualified(c.from.schema, c.from.table))}, ${literal(qualified(c.to.schema, c.to.name))}`;
  const who = sql`CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END`;
  const tableGrants = sql`SELECT m.target, a.privilege_type AS priv, a.is_grantable AS opt, ${who} AS who, NULL::text AS col
      FROM (VALUES ${join(copies.map((c) => sql`(${pair(c)})`))}) AS m(source, target)
      JOIN pg_class c ON c.oid = m.source::regclass
      CROSS JOIN aclexplode(${o.implicitOwnerRights === false ? raw('c.relacl') : raw("coalesce(c.relacl, acldefault('r', c.relowner))")}) a
     WHERE a.privilege_type IN (${list(o.kind === 'view' ? VIEW_PRIVILEGES : TABLE_PRIVILEGES)})`;
  const columns = copies.flatMap((c) =>
    (c.columns ?? []).map((col) => sql`(${pair(c)}, ${literal(col.name)}, ${literal(col.physical)})`),
  );
  const columnGrants = columns.length
    ? sql`
    UNION ALL
    SELECT m.target, a.privilege_type, a.is_grantable, ${who}, m.name
      FROM (VALUES ${join(columns)}) AS m(source, target, name, physical)
      JOIN pg_attribute t ON t.attrelid = m.source::regclass AND t.attname = m.physical AND NOT t.attisdropped
      CROSS JOIN aclexplode(t.attacl) a
     WHERE a.privilege_type IN (${list(COLUMN_PRIVILEGES)})`
    : raw('');
  const usage = o.schemaUsage
    ? sql`
    IF NOT r.who = ANY (done) THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %s TO %s', ${literal(postgresQuoting.ident(o.schemaUsage))}, r.who);
      done := done || r.who;
    END IF;`
    : raw('');
  return sql`DO ${raw(DOLLAR)}
DECLARE
  r record;
  done text[] := '{}';
BEGIN
  FOR r IN
    SELECT g.target, g.who, g.opt,
           string_agg(g.priv || coalesce(' (' || quote_ident(g.col) || ')', ''), ', ' ORDER BY g.col NULLS FIRST, g.priv) AS privs
      FROM (${tableGrants}${columnGrants}) g
     GROUP BY g.target, g.who, g.opt
  LOOP
    EXECUTE format('GRANT %s ON TABLE %s TO %s%s', r.privs, r.target, r.who,
      CASE WHEN r.opt THEN ' WITH GRANT OPTION' ELSE '' END);${usage}
  END LOOP;
END
${raw(DOLLAR)}`;
}
