/** Free-standing composite types (`CREATE TYPE t AS (…)`). */
import type { CompositeAttribute, CompositeType } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { collationName, perTable, rows } from './query.js';

interface Row {
  oid: string;
  schema: string;
  name: string;
  comment: string | null;
}

interface AttributeRow {
  table: string;
  name: string;
  type: string;
  collation_schema: string | null;
  collation_name: string | null;
}

/**
 * Reads the composite types `oids`, by schema and name, their attributes by position.
 *
 * @example
 * const [address] = await readComposites(conn, ['16430']); address?.attributes.map((a) => a.name)
 */
export async function readComposites(conn: Connection, oids: readonly string[]): Promise<CompositeType[]> {
  if (oids.length === 0) return [];
  const found = await rows<Row>(
    conn,
    `SELECT t.oid::text AS oid, n.nspname AS schema, t.typname AS name,
            obj_description(t.oid, 'pg_type') AS comment
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.oid = ANY($1::oid[])
      ORDER BY n.nspname, t.typname`,
    [oids],
  );
  const attributes = await perTable<AttributeRow, CompositeAttribute>(
    conn,
    oids,
    `SELECT t.oid::text AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            cn.nspname AS collation_schema, co.collname AS collation_name
       FROM pg_type t
       JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type at ON at.oid = a.atttypid
       LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> at.typcollation
       LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
      WHERE t.oid = ANY($1::oid[])
      ORDER BY t.oid, a.attnum`,
    (r) => ({
      name: r.name,
      type: r.type,
      collation: collationName(r.collation_schema, r.collation_name),
    }),
  );
  return found.map((r) => ({
    schema: r.schema,
    name: r.name,
    attributes: attributes.get(r.oid) ?? [],
    comment: r.comment,
  }));
}
