/** Enum types, with their labels in order. */
import type { EnumType } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { rows } from './query.js';

/**
 * Reads the enum types `oids`, by schema and name.
 *
 * @example
 * const [mood] = await readEnums(conn, ['16410']); mood?.values // ['sad', 'ok', 'happy']
 */
export async function readEnums(conn: Connection, oids: readonly string[]): Promise<EnumType[]> {
  if (oids.length === 0) return [];
  return rows<EnumType>(
    conn,
    `SELECT n.nspname AS schema, t.typname AS name,
            ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text[] AS values,
            obj_description(t.oid, 'pg_type') AS comment
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.oid = ANY($1::oid[])
      ORDER BY n.nspname, t.typname`,
    [oids],
  );
}
