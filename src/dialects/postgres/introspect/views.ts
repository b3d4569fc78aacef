/** Views and materialized views. */
import type { View } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { rows } from './query.js';

interface Row {
  schema: string;
  name: string;
  materialized: boolean;
  query: string;
  options: string[] | null;
  comment: string | null;
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
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized,
            pg_get_viewdef(c.oid) AS query, c.reloptions AS options, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = ANY($1::oid[])
      ORDER BY n.nspname, c.relname`,
    [oids],
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
    };
  });
}
