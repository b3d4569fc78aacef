/**
 * What `up` and `plan` ask the live database before they judge the linter's findings: the column
 * types of its tables (so the linter knows what applied migrations declared) and which tables a
 * finding points at hold no rows (a lock on an empty table blocks nobody for long). Reads only.
 */
import type { Connection, Dialect } from '../dialects/dialect.js';
import type { LiveColumn } from '../lint/live-schema.js';
import { ident, render, sql } from '../sql/tag.js';

/** Columns of the ordinary and partitioned tables outside the system schemas. */
export async function liveColumns(conn: Connection): Promise<LiveColumn[]> {
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
 * Which of `relations` (as the statements write them; an index stands for its table) exist and
 * hold no row visible now. Exact, not `pg_class.reltuples`: that estimate is only as fresh as the
 * last ANALYZE, so a table filled since would pass for empty, and "empty" here lifts a refusal.
 * `SELECT EXISTS (SELECT 1 FROM t)` stops at the first live row and takes only ACCESS SHARE.
 * A relation that does not exist, or cannot be read, is not empty.
 *
 * @example
 * await emptyRelations(conn, postgresDialect, ['users', 'users_email_idx'], 250) // Set { 'users', 'users_email_idx' } on an empty users
 */
export async function emptyRelations(
  conn: Connection,
  dialect: Dialect,
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
      const { text, values } = render(
        sql`SELECT EXISTS (SELECT 1 FROM ${ident(table.schema, table.name)}) AS "any"`,
        dialect.quoting,
      );
      // Bounded like sluice's DDL: behind another session's ACCESS EXCLUSIVE it gives up, not waits.
      await conn.query('BEGIN READ ONLY');
      try {
        await conn.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
        const res = await conn.query<{ any: boolean }>(text, values);
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
