/**
 * The constraints an online `addColumn` or `alterColumn` gives its column (a check, a unique
 * constraint, a foreign key): the authored forms turned into named data, their checks, the names
 * planning claims, and the foreign key's DDL.
 */
import { POSTGRES_MAX_IDENTIFIER_BYTES } from '../../dialects/postgres/dialect.js';
import { defaultName, toName } from '../../operations/names.js';
import type { QualifiedName } from '../../operations/types.js';
import {
  checkName,
  checkOneOf,
  checkQualified,
  checkSql,
  invalid,
  REFERENTIAL_ACTIONS,
  type Subject,
} from '../../operations/validate.js';
import { ident, join, raw, type SqlFragment, sql } from '../../sql/tag.js';
import type { PlanBuilder } from '../plan.js';
import type { ColumnConstraintSpecs, ColumnConstraints, TablePlan } from '../types.js';
import { checkOptions } from './common.js';

/**
 * Names the constraints as PostgreSQL would (`users_age_check`, `users_email_key`,
 * `orders_user_id_fkey`) unless the author named them, and normalizes the referenced table.
 * Anything else passes through for {@link checkColumnConstraints} to name.
 *
 * @example
 * nameConstraints({ name: 'users' }, 'age', { check: 'age >= 0' }) // { check: { name: 'users_age_check', expression: 'age >= 0' } }
 */
export function nameConstraints(
  table: QualifiedName,
  column: string,
  spec: ColumnConstraintSpecs,
): ColumnConstraints {
  const named = (suffix: string, name: unknown) =>
    typeof name === 'string'
      ? name
      : defaultName(table.name, [column], suffix, POSTGRES_MAX_IDENTIFIER_BYTES);
  const out: ColumnConstraints = {};
  const { check, unique, references } = spec;
  if (typeof check === 'string') out.check = { name: named('check', undefined), expression: check };
  else if (typeof check === 'object' && check !== null)
    out.check = { ...check, name: named('check', check.name) };
  else if (check !== undefined) out.check = check;
  if (unique === true) out.unique = { name: named('key', undefined) };
  else if (typeof unique === 'object' && unique !== null)
    out.unique = { ...unique, name: named('key', unique.name) };
  else if (unique !== undefined && unique !== false) out.unique = unique;
  if (typeof references === 'object' && references !== null) {
    out.references = { ...references, name: named('fkey', references.name), table: toName(references.table) };
  } else if (references !== undefined) out.references = references;
  return out;
}

/** Checks the constraints of an online column operation (`option` prefixes the option names). */
export function checkColumnConstraints(s: Subject, option: string, c: ColumnConstraints): void {
  const at = (key: string) => (option ? `${option}.${key}` : key);
  if (c.check !== undefined) {
    checkOptions(s, at('check'), c.check, ['name', 'expression'], { expr: '`expression`' });
    checkName(s, at('check.name'), c.check.name);
    checkSql(s, at('check.expression'), c.check.expression, "'age >= 0'");
  }
  if (c.unique !== undefined) {
    checkOptions(s, at('unique'), c.unique, ['name']);
    checkName(s, at('unique.name'), c.unique.name);
  }
  const r = c.references;
  if (r !== undefined) {
    checkOptions(s, at('references'), r, ['name', 'table', 'column', 'onDelete', 'onUpdate']);
    checkName(s, at('references.name'), r.name);
    checkQualified(s, at('references.table'), r.table);
    if (r.column !== undefined) checkName(s, at('references.column'), r.column);
    checkOneOf(s, at('references.onDelete'), r.onDelete, REFERENTIAL_ACTIONS);
    checkOneOf(s, at('references.onUpdate'), r.onUpdate, REFERENTIAL_ACTIONS);
  }
}

/** Refuses `option` unless it is a string of SQL (an `up` or `down` expression). */
export function checkExpression(s: Subject, option: string, value: unknown): void {
  if (value === undefined) return;
  checkSql(s, option, value, "'age::bigint'");
  if (typeof value === 'string' && value.includes('$sluice$'))
    invalid(s, option, 'must not contain `$sluice$` (sluice quotes trigger bodies with it)');
}

/** Claims the names the constraints will have (see {@link PlanBuilder.claimIndexName}). */
export function claimConstraintNames(model: PlanBuilder, t: TablePlan, c: ColumnConstraints): void {
  if (c.unique) model.claimIndexName(c.unique.name);
  if (c.check) model.claimConstraintName(t, c.check.name);
  if (c.references) model.claimConstraintName(t, c.references.name);
}

/**
 * `FOREIGN KEY (column) REFERENCES t (c) ON DELETE … ON UPDATE …`; an unqualified table is in `schema`.
 *
 * @example
 * foreignKeySql('public', '_sluice_team', { name: 'k', table: { name: 'teams' }, onDelete: 'set null' })
 */
export function foreignKeySql(
  schema: string,
  column: string,
  r: NonNullable<ColumnConstraints['references']>,
): SqlFragment {
  const parts = [
    sql`FOREIGN KEY (${ident(column)}) REFERENCES ${ident(r.table.schema ?? schema, r.table.name)}`,
  ];
  if (r.column !== undefined) parts.push(sql`(${ident(r.column)})`);
  if (r.onDelete !== undefined) parts.push(raw(`ON DELETE ${r.onDelete.toUpperCase()}`));
  if (r.onUpdate !== undefined) parts.push(raw(`ON UPDATE ${r.onUpdate.toUpperCase()}`));
  return join(parts, ' ');
}
