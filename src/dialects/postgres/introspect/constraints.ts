/** Table constraints: primary key, unique, check, foreign key, exclusion. */
import type { Constraint } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { columnNames, dependsOn, perTable, withoutNotValid } from './query.js';

interface Row {
  table: string;
  name: string;
  type: string;
  columns: string[];
  definition: string;
  validated: boolean;
  deferrable: boolean;
  deferred: boolean;
  ref_schema: string | null;
  ref_name: string | null;
  ref_columns: string[];
  index: string | null;
  comment: string | null;
  depends_on: string[];
}

const TYPES: Record<string, Constraint['type']> = {
  p: 'primaryKey',
  u: 'unique',
  c: 'check',
  f: 'foreignKey',
  x: 'exclusion',
};

/**
 * Reads the constraints of the tables `oids`, by table, by name.
 *
 * @example
 * const constraints = await readConstraints(conn, ['16384']);
 */
export async function readConstraints(
  conn: Connection,
  oids: readonly string[],
): Promise<Map<string, Constraint[]>> {
  return perTable<Row, Constraint>(
    conn,
    oids,
    `SELECT c.conrelid::text AS table, c.conname AS name, c.contype::text AS type,
            ${columnNames('c.conrelid', 'c.conkey')} AS columns,
            pg_get_constraintdef(c.oid) AS definition, c.convalidated AS validated,
            c.condeferrable AS deferrable, c.condeferred AS deferred,
            rn.nspname AS ref_schema, r.relname AS ref_name, ${columnNames('c.confrelid', 'c.confkey')} AS ref_columns,
            i.relname AS index, obj_description(c.oid, 'pg_constraint') AS comment,
            ${dependsOn('pg_constraint', 'c.oid', 'c.conrelid', { deptype: 'a' })} AS depends_on
       FROM pg_constraint c
       LEFT JOIN pg_class r ON c.contype = 'f' AND r.oid = c.confrelid
       LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
       LEFT JOIN pg_class i ON c.contype IN ('p', 'u', 'x') AND i.oid = c.conindid
      WHERE c.conrelid = ANY($1::oid[]) AND c.contype IN ('p', 'u', 'c', 'f', 'x')
      ORDER BY c.conrelid, c.conname`,
    (r) => ({
      name: r.name,
      type: TYPES[r.type]!,
      columns: r.columns,
      definition: withoutNotValid(r.definition, r.validated),
      validated: r.validated,
      deferrable: r.deferrable,
      initiallyDeferred: r.deferred,
      references:
        r.ref_name === null
          ? null
          : { table: { schema: r.ref_schema ?? '', name: r.ref_name }, columns: r.ref_columns },
      index: r.index,
      comment: r.comment,
      dependsOn: r.depends_on,
    }),
  );
}
