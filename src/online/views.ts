/**
 * Version schemas: one schema of simple views per version, each view exposing a physical table under
 * that version's table and column names. Simple views are automatically updatable, so applications
 * read and write through them unchanged; they only set `search_path` (the version schema, then the
 * base schema). The views live while their migration is active; `complete` drops them.
 */
import { ident, join, literal, raw, type SqlFragment, sql } from '../sql/tag.js';
import { copyGrantsStatement, type GrantCopy } from './grants.js';
import type { OnlinePlan, TablePlan } from './types.js';

function view(
  plan: OnlinePlan,
  schema: string,
  name: string,
  t: TablePlan,
  version: 'old' | 'new',
): SqlFragment | null {
  const cols = version === 'old' ? t.oldColumns : t.newColumns;
  if (cols.length === 0) return null;
  const list = join(
    cols.map((c) =>
      c.name === c.physical ? ident(c.physical) : sql`${ident(c.physical)} AS ${ident(c.name)}`,
    ),
  );
  // security_invoker: privileges are checked for the application's role, as on the table itself.
  const options = plan.securityInvoker ? raw(' WITH (security_invoker = true)') : raw('');
  return sql`CREATE VIEW ${ident(schema, name)}${options} AS SELECT ${list} FROM ${ident(plan.schema, t.physical)}`;
}

/**
 * Statements that (re)create one version schema from scratch: drop it, create it, one view per table
 * of that version, each with the grants its table has (and `USAGE` on the schema for their roles),
 * so an application role that can use the table can use the view. Run them in one transaction so
 * readers never see a half-built schema.
 *
 * @example
 * for (const s of versionSchemaStatements(plan, 'new')) await run(conn, s);
 */
export function versionSchemaStatements(plan: OnlinePlan, version: 'old' | 'new'): SqlFragment[] {
  const schema = version === 'old' ? plan.oldSchema : plan.newSchema;
  const out: SqlFragment[] = [
    sql`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`,
    sql`CREATE SCHEMA ${ident(schema)}`,
  ];
  const copies: GrantCopy[] = [];
  for (const t of plan.tables) {
    const name = version === 'old' ? t.oldName : t.newName;
    if (name === null) continue;
    const v = view(plan, schema, name, t, version);
    if (!v) continue;
    out.push(v);
    copies.push({
      from: { schema: plan.schema, table: t.physical },
      to: { schema, name },
      columns: version === 'old' ? t.oldColumns : t.newColumns,
    });
  }
  const grants = copyGrantsStatement(copies, { kind: 'view', schemaUsage: schema });
  if (grants) out.push(grants);
  if (version === 'new') out.push(...goneStatements(plan));
  return out;
}

/** Tables the old version has and the new one does not: dropped, or renamed (their old names). */
function goneTables(plan: OnlinePlan): { name: string; columns: string[] }[] {
  const kept = new Set(plan.tables.map((t) => t.newName));
  return plan.tables.flatMap((t) =>
    t.oldName !== null && !kept.has(t.oldName)
      ? [{ name: t.oldName, columns: t.oldColumns.map((c) => c.name) }]
      : [],
  );
}

const GONE_READ = '_sluice_gone';
const GONE_WRITE = '_sluice_gone_write';

/**
 * Applications put the base schema behind their version schema, so a table the new version dropped
 * or renamed would still resolve there. Each such name gets a stand-in view in the new version
 * schema, with the old table's column names, that fails every read and write with PostgreSQL's own
 * "does not exist" error (SQLSTATE 42P01) and a detail naming the version schema: the new version
 * sees these tables as gone, as they will be after `complete`.
 */
function goneStatements(plan: OnlinePlan): SqlFragment[] {
  const gone = goneTables(plan);
  if (gone.length === 0) return [];
  const schema = plan.newSchema;
  const read = ident(schema, GONE_READ);
  const detail = literal(
    `It is dropped or renamed in version schema ${schema}; the old version still has it.`,
  );
  const out: SqlFragment[] = [
    sql`CREATE FUNCTION ${read}(relation text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $sluice$
BEGIN
  RAISE EXCEPTION 'relation "%" does not exist', relation USING ERRCODE = 'undefined_table', DETAIL = ${detail};
END
$sluice$`,
    sql`CREATE FUNCTION ${ident(schema, GONE_WRITE)}() RETURNS trigger LANGUAGE plpgsql AS $sluice$
BEGIN
  PERFORM ${read}(TG_TABLE_NAME);
  RETURN NULL;
END
$sluice$`,
  ];
  for (const { name, columns } of gone) {
    const v = ident(schema, name);
    // The old columns (as text), so a write naming them reaches the INSTEAD OF trigger's error.
    const cols = columns.length
      ? join(columns.map((c) => sql`NULL::text AS ${ident(c)}`))
      : raw('NULL::text AS gone');
    out.push(sql`CREATE VIEW ${v} AS SELECT ${cols} WHERE ${read}(${literal(name)})`);
    out.push(
      sql`CREATE TRIGGER ${ident(GONE_READ)} INSTEAD OF INSERT OR UPDATE OR DELETE ON ${v} FOR EACH ROW EXECUTE FUNCTION ${ident(schema, GONE_WRITE)}()`,
    );
    // Anyone may try: the answer is the error, never a row.
    out.push(sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${v} TO PUBLIC`);
  }
  return out;
}

/**
 * Statements that empty a version schema of sluice's views (and, for the new version, of its
 * stand-ins for gone tables) and keep the schema with its grants: a version schema holds views only
 * while its migration is active. `complete` runs them for the new version once every table and
 * column has its final name: the views then add nothing, and the names resolve to the tables
 * themselves (next on the applications' search_path), so later regular migrations can drop or
 * retype columns and applications see the tables as they are. `abort` runs them for the old
 * version schema it does not drop, which is how that schema was before `start` (empty).
 *
 * @example
 * for (const s of dropVersionViewsStatements(plan, 'new')) await run(conn, s);
 */
export function dropVersionViewsStatements(plan: OnlinePlan, version: 'old' | 'new'): SqlFragment[] {
  const views = versionViews(plan, version).map((v) => sql`DROP VIEW IF EXISTS ${ident(v.schema, v.name)}`);
  if (version === 'old') return views;
  return [
    ...views,
    sql`DROP FUNCTION IF EXISTS ${ident(plan.newSchema, GONE_WRITE)}()`,
    sql`DROP FUNCTION IF EXISTS ${ident(plan.newSchema, GONE_READ)}(text)`,
  ];
}

/**
 * True when both versions see `t` exactly as the table is: same name, every column under its own
 * name, nothing computed, no temporary column. Its views in both version schemas then add nothing,
 * and dropping them changes nothing an application sees (the name resolves to the table, next on
 * the search path).
 *
 * @example
 * isPassThrough(plan.tables.find((t) => t.physical === 'audit')!) // true when no operation names it
 */
export function isPassThrough(t: TablePlan): boolean {
  const same = (a: TablePlan['oldColumns'], b: TablePlan['newColumns']) =>
    a.length === b.length &&
    a.every((c, i) => c.name === c.physical && c.name === b[i]?.name && c.physical === b[i]?.physical);
  return (
    t.oldName === t.physical &&
    t.newName === t.physical &&
    t.touched.length === 0 &&
    t.up.length === 0 &&
    t.down.length === 0 &&
    t.tempColumns.length === 0 &&
    same(t.oldColumns, t.newColumns)
  );
}

/** A view sluice puts in a version schema, and the physical table it reads (null for a stand-in). */
export interface VersionView {
  schema: string;
  name: string;
  table: string | null;
}

/**
 * The views a version schema holds while its migration is active: one per table of that version
 * and, in the new version, the stand-ins for tables it dropped or renamed. `complete` and `abort`
 * lock them before their tables (see phases/locking.ts): applications reach a view first.
 *
 * @example
 * versionViews(plan, 'old') // [{ schema: 'sluice_base', name: 'users', table: 'users' }]
 */
export function versionViews(plan: OnlinePlan, version: 'old' | 'new'): VersionView[] {
  if (version === 'old') {
    return plan.tables.flatMap((t) =>
      t.oldName === null ? [] : [{ schema: plan.oldSchema, name: t.oldName, table: t.physical }],
    );
  }
  return [
    ...plan.tables.flatMap((t) =>
      t.newName === null ? [] : [{ schema: plan.newSchema, name: t.newName, table: t.physical }],
    ),
    ...goneTables(plan).map((g) => ({ schema: plan.newSchema, name: g.name, table: null })),
  ];
}
