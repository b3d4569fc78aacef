/** Tables as printed DDL: `CREATE TABLE` and the table-level settings set after it. */
import type { Table } from '../model.js';
import { columnClause } from './columns.js';
import { q, qn } from './quote.js';

/** Constraints that `CREATE TABLE` can hold: everything but foreign keys (added once every table exists). */
export const inlineConstraints = (t: Table) =>
  t.constraints.filter((c) => c.type !== 'foreignKey' && c.validated);

/**
 * `CREATE TABLE` with its columns and its non-foreign-key constraints; a partition as
 * `PARTITION OF … <bound>`; a partitioned table with `PARTITION BY <key>` (a model read with
 * `printed: false` lacks the key: see {@link partitionKeyMissing}).
 * A table that inherits declares only the columns its `parents` (the tables it inherits from) lack.
 *
 * @example
 * createTableSql(users) // CREATE TABLE "app"."users" ("id" bigint NOT NULL, CONSTRAINT "users_pkey" PRIMARY KEY (id))
 */
export function createTableSql(t: Table, parents: readonly Table[] = []): string {
  const constraints = inlineConstraints(t).map((c) => `CONSTRAINT ${q(c.name)} ${c.definition}`);
  let out: string;
  if (t.partitionOf !== null) {
    const body = constraints.length > 0 ? ` (${constraints.join(', ')})` : '';
    out = `CREATE TABLE ${qn(t)} PARTITION OF ${qn(t.partitionOf.table)}${body} ${t.partitionOf.bound}`;
  } else if (t.ofType !== null) {
    const body = constraints.length > 0 ? ` (${constraints.join(', ')})` : '';
    out = `CREATE TABLE ${qn(t)} OF ${t.ofType}${body}`;
  } else {
    // Columns a parent has come from it (PostgreSQL before 16 refuses a generated one declared again).
    const inherited = (name: string) => parents.some((p) => p.columns.some((c) => c.name === name));
    const columns = t.columns.filter((c) => !inherited(c.name)).map(columnClause);
    out = `CREATE TABLE ${qn(t)} (${[...columns, ...constraints].join(', ')})`;
    if (t.inherits.length > 0) out += ` INHERITS (${t.inherits.map(qn).join(', ')})`;
  }
  if (t.partitioned) out += ` PARTITION BY ${t.partitionKey || '/* partition key: not read */'}`;
  if (t.options.length > 0) out += ` WITH (${t.options.join(', ')})`;
  return out;
}

/** Whether {@link createTableSql} needs a partition key filled in by hand. */
export const partitionKeyMissing = (t: Table): boolean => t.partitioned && !t.partitionKey;

/** `DROP TABLE "s"."t"`. */
export const dropTableSql = (t: Table): string => `DROP TABLE ${qn(t)}`;

/** `ALTER TABLE … ENABLE|DISABLE ROW LEVEL SECURITY`. */
export const rowSecuritySql = (t: Table, on: boolean): string =>
  `ALTER TABLE ${qn(t)} ${on ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`;

/** `ALTER TABLE … [NO] FORCE ROW LEVEL SECURITY`. */
export const forceRowSecuritySql = (t: Table, on: boolean): string =>
  `ALTER TABLE ${qn(t)} ${on ? '' : 'NO '}FORCE ROW LEVEL SECURITY`;

/** `ALTER TABLE … REPLICA IDENTITY …` for the table's setting (`index` needs the index's name). */
export function replicaIdentitySql(t: Table): string {
  if (t.replicaIdentity === 'index') {
    const index = t.indexes.find((i) => i.replicaIdentity);
    return `ALTER TABLE ${qn(t)} REPLICA IDENTITY USING INDEX ${q(index?.name ?? '')}`;
  }
  return `ALTER TABLE ${qn(t)} REPLICA IDENTITY ${t.replicaIdentity.toUpperCase()}`;
}

/** `ALTER TABLE … SET (a=1, …)` / `RESET (a, …)`. */
export function optionsSql(t: Table, set: string[], reset: string[]): string[] {
  const out: string[] = [];
  if (reset.length > 0)
    out.push(`ALTER TABLE ${qn(t)} RESET (${reset.map((o) => o.split('=')[0]).join(', ')})`);
  if (set.length > 0) out.push(`ALTER TABLE ${qn(t)} SET (${set.join(', ')})`);
  return out;
}

/** The settings of a fresh table that differ from `CREATE TABLE`'s: RLS, replica identity. */
export function tableSettingsSql(t: Table): string[] {
  const out: string[] = [];
  if (t.rowSecurity) out.push(rowSecuritySql(t, true));
  if (t.forceRowSecurity) out.push(forceRowSecuritySql(t, true));
  if (t.replicaIdentity !== 'default') out.push(replicaIdentitySql(t));
  return out;
}
