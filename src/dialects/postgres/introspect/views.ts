/** Views and materialized views, with their columns and (materialized views') indexes. */
import type { View, ViewColumn } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { readIndexes } from './indexes.js';
import { perTable, rows } from './query.js';

interface Row {
  oid: string;
  schema: string;
  name: string;
  materialized: boolean;
  query: string;
  options: string[] | null;
  comment: string | null;
}

/** The columns of the relations `oids`, by relation, by position: name, printed type, comment. */
function readViewColumns(conn: Connection, oids: readonly string[]) {
  return perTable<ViewColumn & { table: string }, ViewColumn>(
    conn,
    oids,
    `SELECT a.attrelid::text AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            col_description(a.attrelid, a.attnum) AS comment
       FROM pg_attribute a
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    (r) => ({ name: r.name, type: r.type, comment: r.comment }),
  );
}

/**
 * Reads the views `oids`, by schema and name.
 *
 * @example
 * const [active] = await readViews(conn, ['16400']);
 */
export async function readViews(conn: Connection, oids: readonly string[]): Promise<View[]> {
  if (oids.length === 0) return [];
  const found = await rows<Row>(
    conn,
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized,
            pg_get_viewdef(c.oid) AS query, c.reloptions AS options, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = ANY($1::oid[])
      ORDER BY n.nspname, c.relname`,
    [oids],
  );
  const columns = await readViewColumns(conn, oids);
  const indexes = await readIndexes(
    conn,
    found.filter((r) => r.materialized).map((r) => r.oid),
    true,
  );
  return found.map((r) => {
    const options: Record<string, string> = {};
    for (const o of r.options ?? []) {
      const eq = o.indexOf('=');
      options[o.slice(0, eq)] = o.slice(eq + 1);
    }
    // pg_get_viewdef ends with a semicolon, which CREATE VIEW … AS does not take.
    const query = r.query.trim().replace(/;$/, '');
    return {
      schema: r.schema,
      name: r.name,
      materialized: r.materialized,
      query,
      options,
      comment: r.comment,
      columns: columns.get(r.oid) ?? [],
      indexes: indexes.get(r.oid) ?? [],
    };
  });
}
