/**
 * What the backfill engine reads from PostgreSQL's catalog: a table's columns and primary key, and
 * its row count estimate. Names are bound as values, so odd names need no quoting here.
 */
import type { Connection } from '../../../dialects/dialect.js';
import { queryRows } from '../../../dialects/query.js';
import { postgresQuoting } from '../../../sql/tag.js';
import type { ColumnFacts, TableFacts } from '../dialect.js';
import type { ResolvedSpec, TableRef } from '../types.js';
import { estimateStatement, plannerEstimateStatement } from './statements.js';

/** The oid of an ordinary or partitioned table; null for anything else (missing, a view, …). */
async function tableOid(conn: Connection, table: TableRef): Promise<number | null> {
  const res = await conn.query<{ oid: number; relkind: string }>(
    `SELECT c.oid::int AS oid, c.relkind::text AS relkind FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.name],
  );
  const row = res.rows[0];
  return row && ['r', 'p'].includes(row.relkind) ? row.oid : null;
}

async function columns(conn: Connection, oid: number): Promise<ColumnFacts[]> {
  const res = await conn.query<ColumnFacts>(
    `SELECT attname AS name, attgenerated <> '' AS generated, attidentity = 'a' AS "identityAlways"
       FROM pg_catalog.pg_attribute
      WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [oid],
  );
  return res.rows;
}

async function primaryKey(conn: Connection, oid: number): Promise<string[]> {
  const res = await conn.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_catalog.pg_index i
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1 AND i.indisprimary ORDER BY k.ord`,
    [oid],
  );
  return res.rows.map((row) => row.name);
}

/**
 * A table's oid, columns and primary key; null unless it is an ordinary or partitioned table.
 *
 * @example
 * const facts = await describeTable(conn, { schema: 'public', name: 'users' }); // facts?.primaryKey → ['id']
 */
export async function describeTable(conn: Connection, table: TableRef): Promise<TableFacts | null> {
  const oid = await tableOid(conn, table);
  if (oid === null) return null;
  return { id: oid, primaryKey: await primaryKey(conn, oid), columns: await columns(conn, oid) };
}

/**
 * Rows in the walked table: `reltuples` when it has been vacuumed or analyzed, else the planner's
 * estimate (0 for an empty table).
 *
 * @example
 * const rowsTotal = await estimateRows(conn, resolved);
 */
export async function estimateRows(conn: Connection, resolved: ResolvedSpec): Promise<number> {
  // -1 means "never vacuumed nor analyzed"; partitioned parents have no tuples of their own.
  const reltuples =
    (await queryRows<{ reltuples: number }>(conn, postgresQuoting, estimateStatement(resolved)))[0]
      ?.reltuples ?? -1;
  if (reltuples > 0) return Math.round(reltuples);
  const plan = (
    await queryRows<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
      conn,
      postgresQuoting,
      plannerEstimateStatement(resolved),
    )
  )[0];
  return Math.max(0, Math.round(plan?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0));
}
