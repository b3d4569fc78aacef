/**
 * What depends on tables from outside them: views reading them, foreign keys of other tables
 * referencing them, tables inheriting from them, publications listing them.
 */
import type { Dependent } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { perTable } from './query.js';

interface Row {
  table: string;
  kind: Dependent['kind'];
  schema: string | null;
  name: string;
  constraint: string | null;
}

/**
 * Reads the dependents of the tables `oids`, by table.
 *
 * @example
 * const dependents = await readDependents(conn, ['16384']);
 */
export async function readDependents(
  conn: Connection,
  oids: readonly string[],
): Promise<Map<string, Dependent[]>> {
  return perTable<Row, Dependent>(
    conn,
    oids,
    `SELECT DISTINCT d.refobjid::text AS table, 'view' AS kind, vn.nspname AS schema, v.relname AS name, NULL AS constraint
       FROM pg_depend d
       JOIN pg_rewrite w ON w.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
       JOIN pg_class v ON v.oid = w.ev_class
       JOIN pg_namespace vn ON vn.oid = v.relnamespace
      WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY($1::oid[]) AND v.oid <> d.refobjid
     UNION ALL
     SELECT pr.prrelid::text, 'publication', NULL, p.pubname, NULL
       FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
      WHERE pr.prrelid = ANY($1::oid[])
     UNION ALL
     SELECT i.inhparent::text, 'child', cn.nspname, c.relname, NULL
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
      WHERE i.inhparent = ANY($1::oid[])
     UNION ALL
     SELECT c.confrelid::text, 'foreignKey', tn.nspname, t.relname, c.conname
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE c.confrelid = ANY($1::oid[]) AND c.conrelid <> c.confrelid AND c.contype = 'f'
      ORDER BY 1, 2, 3, 4, 5`,
    (r): Dependent => {
      const name = { schema: r.schema ?? '', name: r.name };
      switch (r.kind) {
        case 'view':
          return { kind: 'view', view: name };
        case 'child':
          return { kind: 'child', table: name };
        case 'foreignKey':
          return { kind: 'foreignKey', table: name, name: r.constraint ?? '' };
        default:
          return { kind: 'publication', name: r.name };
      }
    },
  );
}
