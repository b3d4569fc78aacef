/**
 * Version schemas: one schema of simple views per version, each view exposing a physical table under
 * that version's table and column names. Simple views are automatically updatable, so applications
 * read and write through them unchanged; they only set `search_path`.
 */
import { ident, join, raw, type SqlFragment, sql } from '../sql/tag.js';
import { copyGrantsStatement } from './grants.js';
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
  for (const t of plan.tables) {
    const name = version === 'old' ? t.oldName : t.newName;
    if (name === null) continue;
    const v = view(plan, schema, name, t, version);
    if (!v) continue;
    out.push(v);
    out.push(
      copyGrantsStatement({
        from: { schema: plan.schema, table: t.physical },
        to: { schema, name, kind: 'view' },
        columns: version === 'old' ? t.oldColumns : t.newColumns,
        schemaUsage: true,
      }),
    );
  }
  return out;
}
