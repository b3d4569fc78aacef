/** Installed extensions (their member objects are left out of every other kind). */
import type { Extension } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { rows } from './query.js';

/**
 * Reads the extensions `oids`, by name.
 *
 * @example
 * const [citext] = await readExtensions(conn, ['16400']); citext?.version // '1.6'
 */
export async function readExtensions(conn: Connection, oids: readonly string[]): Promise<Extension[]> {
  if (oids.length === 0) return [];
  return rows<Extension>(
    conn,
    `SELECT e.extname AS name, n.nspname AS schema, e.extversion AS version,
            obj_description(e.oid, 'pg_extension') AS comment
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.oid = ANY($1::oid[])
      ORDER BY e.extname`,
    [oids],
  );
}
