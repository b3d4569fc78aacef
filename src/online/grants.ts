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
  to: { schema: string; name: string; kind: 'view' | 'table' };
  /**
   * Columns as `{ name, physical }`: `name` on the target, `physical` on the source table. Each
   * source column's own grants are copied to its target column (a source column that does not
   * exist has none); no column grants are copied when omitted.
   */
  columns?: readonly { name: string; physical: string }[];
  /** Also grant `USAGE` on `to.schema` to every role that receives something (version schemas). */
  schemaUsage?: boolean;
}

/**
 * One statement that grants on `to` what each role holds on `from`, `WITH GRANT OPTION` where the
 * role holds that. Runs with the migration role's rights: a grant it cannot give is skipped with a
 * PostgreSQL warning, as a plain `GRANT` would.
 *
 * @example
 * await run(conn, copyGrantsStatement({ from: { schema: 'public', table: 'users' },
 *   to: { schema: 'sluice_v2', name: 'users', kind: 'view' }, schemaUsage: true }));
 */
export function copyGrantsStatement(g: GrantCopy): SqlFragment {
  const source = literal(qualified(g.from.schema, g.from.table));
  const target = literal(qualified(g.to.schema, g.to.name));
  const who = sql`CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END`;
  const privileges = g.to.kind === 'view' ? VIEW_PRIVILEGES : TABLE_PRIVILEGES;
  const tableGrants = sql`SELECT a.privilege_type AS priv, a.is_grantable AS opt, ${who} AS who, NULL::text AS col
      FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
     WHERE c.oid = ${source}::regclass AND a.privilege_type IN (${list(privileges)})`;
  const pairs = (g.columns ?? []).map((c) => sql`(${literal(c.name)}, ${literal(c.physical)})`);
  const columnGrants = pairs.length
    ? sql`
    UNION ALL
    SELECT a.privilege_type, a.is_grantable, ${who}, v.name
      FROM (VALUES ${join(pairs)}) AS v(name, physical)
      JOIN pg_attribute t ON t.attrelid = ${source}::regclass AND t.attname = v.physical AND NOT t.attisdropped
      CROSS JOIN aclexplode(t.attacl) a
     WHERE a.privilege_type IN (${list(COLUMN_PRIVILEGES)})`
    : raw('');
  const usage = g.schemaUsage
    ? sql`
    IF r.who NOT IN (SELECT unnest(done)) THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %s TO %s', ${literal(postgresQuoting.ident(g.to.schema))}, r.who);
      done := done || r.who;
    END IF;`
    : raw('');
  return sql`DO ${raw(DOLLAR)}
DECLARE
  r record;
  done text[] := '{}';
BEGIN
  FOR r IN ${tableGrants}${columnGrants}
  LOOP
    EXECUTE format('GRANT %s%s ON TABLE %s TO %s%s', r.priv,
      CASE WHEN r.col IS NULL THEN '' ELSE ' (' || quote_ident(r.col) || ')' END,
      ${target}, r.who, CASE WHEN r.opt THEN ' WITH GRANT OPTION' ELSE '' END);${usage}
  END LOOP;
END
${raw(DOLLAR)}`;
}
