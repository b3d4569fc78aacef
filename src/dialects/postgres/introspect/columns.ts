/** Columns of tables: type, nullability, default or generated expression, identity, collation, storage. */
import type { Column } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { collationName, perTable } from './query.js';

interface Row {
  table: string;
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  generated: string | null;
  identity: string;
  collation_schema: string | null;
  collation_name: string | null;
  storage: string | null;
  statistics: number | null;
  comment: string | null;
  depends_on: string[];
}

const IDENTITY: Record<string, Column['identity']> = { a: 'always', d: 'by default' };
const STORAGE: Record<string, Column['storage']> = { p: 'plain', e: 'external', m: 'main', x: 'extended' };

/**
 * Reads the columns of the tables `oids`, by table, in position order.
 *
 * @example
 * const columns = await readColumns(conn, ['16384']); columns.get('16384')?.map((c) => c.name)
 */
export async function readColumns(conn: Connection, oids: readonly string[]): Promise<Map<string, Column[]>> {
  return perTable<Row, Column>(
    conn,
    oids,
    `SELECT a.attrelid::text AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            NOT a.attnotnull AS nullable,
            CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default,
            CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated,
            a.attidentity::text AS identity, cn.nspname AS collation_schema, co.collname AS collation_name,
            CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
            CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::int END AS statistics,
            col_description(a.attrelid, a.attnum) AS comment,
            ARRAY(SELECT r.attname FROM pg_attribute r
                   WHERE r.attrelid = a.attrelid AND r.attnum <> a.attnum AND r.attnum IN (
                         SELECT dep.refobjsubid FROM pg_depend dep
                          WHERE dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
                            AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid)
                   ORDER BY r.attnum)::text[] AS depends_on
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
       LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    (r) => ({
      name: r.name,
      type: r.type,
      nullable: r.nullable,
      default: r.default,
      generated: r.generated,
      identity: IDENTITY[r.identity] ?? null,
      collation: collationName(r.collation_schema, r.collation_name),
      storage: r.storage === null ? null : (STORAGE[r.storage] ?? null),
      statistics: r.statistics,
      comment: r.comment,
      dependsOn: r.depends_on,
    }),
  );
}
