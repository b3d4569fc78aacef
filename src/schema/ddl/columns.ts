/** Column clauses and the `ALTER TABLE … ALTER COLUMN` statements no typed operation covers. */
import type { Column, ObjectName } from '../model.js';
import { collate, q, qn } from './quote.js';

/**
 * A column as in `CREATE TABLE` / `ADD COLUMN`: `"email" text COLLATE "C" NOT NULL DEFAULT ''::text`.
 *
 * @example
 * columnClause(column) // '"id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL'
 */
export function columnClause(c: Column): string {
  let out = `${q(c.name)} ${c.type}${collate(c.collation)}`;
  if (c.identity !== null)
    out += ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  if (c.generated !== null) out += ` GENERATED ALWAYS AS (${c.generated}) STORED`;
  if (c.default !== null) out += ` DEFAULT ${c.default}`;
  if (!c.nullable) out += ' NOT NULL';
  return out;
}

const alter = (table: ObjectName, column: string) => `ALTER TABLE ${qn(table)} ALTER COLUMN ${q(column)}`;
// Storage and statistics are per table: without ONLY they would recurse into inheriting tables.
const alterOnly = (table: ObjectName, column: string) =>
  `ALTER TABLE ONLY ${qn(table)} ALTER COLUMN ${q(column)}`;

/** `… ADD GENERATED … AS IDENTITY` / `DROP IDENTITY` / `SET GENERATED …`, from one identity to another. */
export function identitySql(
  table: ObjectName,
  column: string,
  to: Column['identity'],
  from: Column['identity'],
) {
  const word = (i: 'always' | 'by default') => (i === 'always' ? 'ALWAYS' : 'BY DEFAULT');
  if (to === null) return `${alter(table, column)} DROP IDENTITY`;
  if (from === null) return `${alter(table, column)} ADD GENERATED ${word(to)} AS IDENTITY`;
  return `${alter(table, column)} SET GENERATED ${word(to)}`;
}

/** `… SET EXPRESSION AS (…)` is PostgreSQL 17; before it the column is dropped and added again. */
export function generatedSql(table: ObjectName, column: Column): string {
  if (column.generated === null) return `${alter(table, column.name)} DROP EXPRESSION`;
  return `${alter(table, column.name)} SET EXPRESSION AS (${column.generated})`;
}

/** `… TYPE <same type> COLLATE …`: a collation change (it rebuilds the column's indexes). */
export const collationSql = (table: ObjectName, c: Column): string =>
  `${alter(table, c.name)} TYPE ${c.type}${c.collation === null ? ' COLLATE "default"' : collate(c.collation)}`;

/** `… SET STORAGE …`; `DEFAULT` (PostgreSQL 16+) goes back to the type's own. */
export const storageSql = (table: ObjectName, c: Column): string =>
  `${alterOnly(table, c.name)} SET STORAGE ${(c.storage ?? 'default').toUpperCase()}`;

/** `… SET STATISTICS n` (-1: the default target). */
export const statisticsSql = (table: ObjectName, c: Column): string =>
  `${alterOnly(table, c.name)} SET STATISTICS ${c.statistics ?? -1}`;
