/** Sequences, with the column each serial or identity sequence belongs to. */
import type { Sequence } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { rows } from './query.js';

interface Row extends Omit<Sequence, 'ownedBy'> {
  owner_schema: string | null;
  owner_table: string | null;
  owner_column: string | null;
}

/**
 * Reads the sequences `oids`, by schema and name.
 *
 * @example
 * const sequences = await readSequences(conn, ['16390']);
 */
export async function readSequences(conn: Connection, oids: readonly string[]): Promise<Sequence[]> {
  if (oids.length === 0) return [];
  const found = await rows<Row>(
    conn,
    `SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type,
            s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min,
            s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle,
            tn.nspname AS owner_schema, t.relname AS owner_table, a.attname AS owner_column,
            COALESCE(d.deptype = 'i', false) AS identity, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_sequence s
       JOIN pg_class c ON c.oid = s.seqrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
            AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class t ON t.oid = d.refobjid
       LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE c.oid = ANY($1::oid[])
      ORDER BY n.nspname, c.relname`,
    [oids],
  );
  return found.map(({ owner_schema, owner_table, owner_column, ...sequence }) => ({
    ...sequence,
    ownedBy:
      owner_table === null || owner_column === null
        ? null
        : { table: { schema: owner_schema ?? '', name: owner_table }, column: owner_column },
  }));
}
