/** Helpers shared by operation files. */
import { ident, raw, type SqlFragment, sql } from '../../sql/tag.js';
import type { PhaseContext } from '../operation.js';

/** The first missing or empty field among `fields`, as a reason, or null. */
export function missing(fields: Record<string, unknown>): string | null {
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v !== 'string' || v.trim() === '') return `\`${k}\` must be a non-empty string`;
  }
  return null;
}

/** Adds a constraint `NOT VALID` unless it exists: checks new rows at once, old rows at `complete`. */
export async function addConstraintNotValid(
  x: PhaseContext,
  table: string,
  name: string,
  def: SqlFragment,
): Promise<void> {
  if (await x.constraint(table, name)) return;
  await x.run(sql`ALTER TABLE ${ident(x.plan.schema, table)} ADD CONSTRAINT ${ident(name)} ${def} NOT VALID`);
}

/** Validates a constraint if it is not valid yet (SHARE UPDATE EXCLUSIVE: writes go on meanwhile). */
export async function validateConstraint(x: PhaseContext, table: string, name: string): Promise<void> {
  const c = await x.constraint(table, name);
  if (!c || c.valid) return;
  await x.run(sql`ALTER TABLE ${ident(x.plan.schema, table)} VALIDATE CONSTRAINT ${ident(name)}`);
}

/** `NOT NULL` via a validated check: SET NOT NULL then skips its full-table scan (PostgreSQL 12+). */
export async function setNotNullViaCheck(
  x: PhaseContext,
  table: string,
  column: string,
  check: string,
): Promise<void> {
  const t = ident(x.plan.schema, table);
  await x.run(sql`ALTER TABLE ${t} ALTER COLUMN ${ident(column)} SET NOT NULL`);
  await x.run(sql`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${ident(check)}`);
}

/** A column's type and default as DDL. */
export function columnDdl(type: string, def: string | null | undefined): SqlFragment {
  return def ? sql`${raw(type)} DEFAULT ${raw(def)}` : raw(type);
}

/** A bare or quoted name as it should appear in an expression. */
export function quotedName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
