/** Schemas (namespaces). */
import type { Schema } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { rows } from './query.js';

/**
 * Reads the schemas `oids`, by name.
 *
 * @example
 * const [app] = await readSchemas(conn, ['16385']); app?.comment
 */
export async function readSchemas(conn: Connection, oids: readonly string[]): Promise<Schema[]> {
  if (oids.length === 0) return [];
  return rows<Schema>(
    conn,
    `SELECT n.nspname AS name, pg_get_userbyid(n.nspowner)::text AS owner,
            obj_description(n.oid, 'pg_namespace') AS comment
       FROM pg_namespace n
      WHERE n.oid = ANY($1::oid[])
      ORDER BY n.nspname`,
    [oids],
  );
}
