/**
 * The runner's reads of PostgreSQL's catalog: the live tables' column types (so the linter knows
 * what applied migrations declared), which relations hold no rows (a lock on an empty table blocks
 * nobody for long), the planner's row estimates for `plan`, and which of some table names exist on
 * the search path (other tools' history tables). Reads only. Loaded lazily by the dialect.
 */
import { ident, join, postgresQuoting, sql } from '../../sql/tag.js';
import type { CatalogReader, Connection, FoundTable, LiveColumn } from '../dialect.js';
import { queryFragment, queryRows } from '../query.js';

async function liveColumns(conn: Connection): Promise<LiveColumn[]> {
  const res = await conn.query<LiveColumn>(
    `SELECT n.nspname AS schema, c.relname AS "table", a.attname AS "column",
            format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY n.nspname, c.relname, a.attnum`,
  );
  return res.rows;
}

/**
 * Exact, not `pg_class.reltuples`: that estimate is only as fresh as the last ANALYZE, so a table
 * filled since would pass for empty. `SELECT EXISTS (SELECT 1 FROM t)` stops at the first live row
 * and takes only ACCESS SHARE.
 */
async function emptyRelations(
  conn: Connection,
  relations: Iterable<string>,
  lockTimeoutMs: number,
): Promise<Set<string>> {
  const empty = new Set<string>();
  for (const name of relations) {
    try {
      const found = await conn.query<{ schema: string; name: string }>(
        `SELECT n.nspname AS schema, t.relname AS name
           FROM pg_class c
           LEFT JOIN pg_index i ON i.indexrelid = c.oid
           JOIN pg_class t ON t.oid = COALESCE(i.indrelid, c.oid)
           JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE c.oid = to_regclass($1) AND t.relkind IN ('r', 'p', 'm')`,
        [name],
      );
      const table = found.rows[0];
      if (!table) continue;
      const probe = sql`SELECT EXISTS (SELECT 1 FROM ${ident(table.schema, table.name)}) AS "any"`;
      // Bounded like sluice's DDL: behind another session's ACCESS EXCLUSIVE it gives up, not waits.
      await conn.query('BEGIN READ ONLY');
      try {
        await conn.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
        const res = await queryFragment<{ any: boolean }>(conn, postgresQuoting, probe);
        if (res.rows[0]?.any === false) empty.add(name);
      } finally {
        await conn.query('ROLLBACK');
      }
    } catch {
      // A name to_regclass cannot read, no SELECT privilege, a lock timeout: not known to be empty.
    }
  }
  return empty;
}

async function estimatedRows(conn: Connection, relation: string): Promise<number | null> {
  try {
    const res = await conn.query<{ n: string | number | null }>(
      'SELECT CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS n FROM pg_class c WHERE c.oid = to_regclass($1)',
      [relation],
    );
    const estimate = res.rows[0]?.n;
    return estimate === null || estimate === undefined ? null : Number(estimate);
  } catch {
    return null; // e.g. a name that is not a valid relation name: nothing to estimate
  }
}

async function tablesOnSearchPath(conn: Connection, names: readonly string[]): Promise<FoundTable[]> {
  return queryRows<FoundTable>(
    conn,
    postgresQuoting,
    sql`SELECT n.nspname AS schema, c.relname AS name,
  ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND c.relname IN (${join(names.map((name) => sql`${name}`))}) AND n.nspname = ANY (current_schemas(false))
ORDER BY array_position(current_schemas(false), n.nspname)`,
  );
}

/**
 * PostgreSQL's {@link CatalogReader}.
 *
 * @example
 * const catalog = await postgresDialect.catalog();
 * await catalog.emptyRelations(conn, ['users', 'users_email_idx'], 250) // Set { 'users', 'users_email_idx' } on an empty users
 */
export const postgresCatalog: CatalogReader = {
  liveColumns,
  emptyRelations,
  estimatedRows,
  tablesOnSearchPath,
};
