/** Helpers shared by operation files: option checks, defaults as SQL, constraint steps. */
import { MigrationFileError } from '../../errors.js';
import type { DefaultValue } from '../../operations/types.js';
import { checkDefault, invalid, type Subject } from '../../operations/validate.js';
import { ident, literal, postgresQuoting, raw, renderInline, type SqlFragment, sql } from '../../sql/tag.js';
import { hasVolatileCall } from '../expr.js';
import type { PhaseContext } from '../operation.js';

/**
 * Throws why an operation cannot run online (MigrationFileError, exit 2).
 *
 * @example
 * notOnline(subject('addColumn', table, 'token'), 'its default is volatile');
 * // addColumn users.token cannot run online: its default is volatile
 */
export function notOnline(s: Subject, why: string, hint?: string): never {
  throw new MigrationFileError(`${s.kind} ${s.target} cannot run online: ${why}`, {
    details: { operation: s.kind, ...(hint === undefined ? {} : { hint }) },
  });
}

/**
 * Refuses keys of `value` that are not options of the online operation; an old word (`notNull`,
 * `expr`, `changes`) gets the word to write instead. `option` names `value` in the message (null:
 * the operation itself). Keys set to `undefined` count as absent.
 *
 * @example
 * checkOptions(s, 'column', { name: 'n', type: 'int', notNull: true }, ['name', 'type', 'nullable'], { notNull: '`nullable: false`' });
 * // addColumn users.n: option `column.notNull` is an old word: write `nullable: false`
 */
export function checkOptions(
  s: Subject,
  option: string | null,
  value: unknown,
  allowed: readonly string[],
  renamed: Readonly<Record<string, string>> = {},
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalid(s, option ?? 'options', `must be an object, got ${JSON.stringify(value)}`);
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || allowed.includes(key) || (option === null && (key === 'kind' || key === 'note')))
      continue;
    const path = option === null ? key : `${option}.${key}`;
    const instead = Object.hasOwn(renamed, key) ? renamed[key] : undefined;
    if (instead !== undefined) invalid(s, path, `is an old word: write ${instead}`);
    invalid(s, path, `is not an option of an online ${s.kind}`, `Its options: ${allowed.join(', ')}.`);
  }
}

/**
 * A column default as the SQL text the plan stores: literals quoted, `{ sql }` as written.
 *
 * @example
 * defaultSql('n/a') // "'n/a'"
 * defaultSql({ sql: 'now()' }) // 'now()'
 */
export function defaultSql(value: DefaultValue): string {
  return typeof value === 'object' ? value.sql : renderInline(literal(value), postgresQuoting);
}

// SQL text where a literal goes: what online defaults were before they took db.addColumn's form.
const LOOKS_LIKE_SQL = /^'[\s\S]*'$|^[A-Za-z_][\w.]*\([\s\S]*\)$/;

/**
 * Checks a default (`null`, which drops one, only where `nullable` allows it). A string is a
 * literal, as in `db.addColumn`; one that reads as SQL (`"'none'"`, `'now()'`), which is what
 * online defaults were before, is refused with the two ways to write it.
 *
 * @example
 * checkOnlineDefault(s, 'default', "'none'", false) // throws: write 'none', or { sql: "'none'" }
 */
export function checkOnlineDefault(s: Subject, option: string, value: unknown, nullable: boolean): void {
  if (value === null && nullable) return;
  checkDefault(s, option, value);
  if (typeof value === 'string' && LOOKS_LIKE_SQL.test(value.trim())) {
    const literal = /^'[\s\S]*'$/.test(value.trim()) ? value.trim().slice(1, -1).replace(/''/g, "'") : null;
    invalid(
      s,
      option,
      `is a literal value, as in db.addColumn, and ${JSON.stringify(value)} reads as SQL`,
      `Write ${literal === null ? '' : `${JSON.stringify(literal)} for the value, or `}{ sql: ${JSON.stringify(value)} } for the expression.`,
    );
  }
}

/** True for a `{ sql }` default marked volatile or calling a well-known volatile function. */
export function isVolatileDefault(value: DefaultValue): boolean {
  return typeof value === 'object' && value !== null && (value.volatile ?? hasVolatileCall(value.sql));
}

/** Adds a constraint `NOT VALID` unless it exists: checks new rows at once, old rows at `complete`. */
export async function addConstraintNotValid(
  phase: PhaseContext,
  table: string,
  name: string,
  definition: SqlFragment,
): Promise<void> {
  if (await phase.constraint(table, name)) return;
  await phase.exec(
    sql`ALTER TABLE ${ident(phase.plan.schema, table)} ADD CONSTRAINT ${ident(name)} ${definition} NOT VALID`,
  );
}

/** Validates a constraint if it is not valid yet (SHARE UPDATE EXCLUSIVE: writes go on meanwhile). */
export async function validateConstraint(phase: PhaseContext, table: string, name: string): Promise<void> {
  const found = await phase.constraint(table, name);
  if (!found || found.valid) return;
  await phase.exec(sql`ALTER TABLE ${ident(phase.plan.schema, table)} VALIDATE CONSTRAINT ${ident(name)}`);
}

/** `NOT NULL` via a validated check: SET NOT NULL then skips its full-table scan (PostgreSQL 12+). */
export async function setNotNullViaCheck(
  phase: PhaseContext,
  table: string,
  column: string,
  check: string,
): Promise<void> {
  const t = ident(phase.plan.schema, table);
  await phase.exec(sql`ALTER TABLE ${t} ALTER COLUMN ${ident(column)} SET NOT NULL`);
  await phase.exec(sql`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${ident(check)}`);
}

/** A column's type and default (SQL text, as the plan stores it) as DDL. */
export function columnDdl(type: string, defaultText: string | null | undefined): SqlFragment {
  return defaultText ? sql`${raw(type)} DEFAULT ${raw(defaultText)}` : raw(type);
}
