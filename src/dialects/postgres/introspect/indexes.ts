/** Indexes of tables, those backing constraints included. */
import type { Index } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { after, columnNames, dependsOn, perTable } from './query.js';

interface Row
  extends Pick<
      Index,
      'name' | 'unique' | 'primary' | 'method' | 'columns' | 'expressions' | 'partial' | 'predicate'
    >,
    Pick<Index, 'constraint' | 'valid' | 'comment'> {
  table: string;
  printed: string | null;
  qindex: string;
  qschema: string;
  qtable: string;
  replica: boolean;
  depends_on: string[];
}

/**
 * Reads the indexes of the tables `oids`, by table, by name; without `printed`, definitions are `''`
 * and predicates null (printing takes a share lock on the table).
 *
 * @example
 * const indexes = await readIndexes(conn, ['16384'], true);
 */
export async function readIndexes(
  conn: Connection,
  oids: readonly string[],
  printed: boolean,
): Promise<Map<string, Index[]>> {
  return perTable<Row, Index>(
    conn,
    oids,
    `SELECT x.indrelid::text AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            am.amname AS method, ${columnNames('x.indrelid', 'x.indkey')} AS columns,
            x.indexprs IS NOT NULL AS expressions, x.indpred IS NOT NULL AS partial,
            ${printed ? 'pg_get_expr(x.indpred, x.indrelid)' : 'NULL'} AS predicate,
            ${printed ? 'pg_get_indexdef(x.indexrelid)' : 'NULL'} AS printed, quote_ident(i.relname) AS qindex,
            quote_ident(tn.nspname) AS qschema, quote_ident(t.relname) AS qtable,
            (SELECT con.conname FROM pg_constraint con
              WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x')) AS constraint,
            x.indisreplident AS replica, x.indisvalid AS valid, obj_description(i.oid, 'pg_class') AS comment,
            ${dependsOn('pg_class', 'x.indexrelid', 'x.indrelid', { keys: 'x.indkey::int2[]' })} AS depends_on
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_am am ON am.oid = i.relam
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE x.indrelid = ANY($1::oid[])
      ORDER BY x.indrelid, i.relname`,
    (r) => {
      // `CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING …`: keep what follows the table.
      const head = `CREATE ${r.unique ? 'UNIQUE ' : ''}INDEX ${r.qindex} ON `;
      const heads = [`${r.qschema}.${r.qtable} `, `ONLY ${r.qschema}.${r.qtable} `, `${r.qtable} `];
      return {
        name: r.name,
        unique: r.unique,
        primary: r.primary,
        method: r.method,
        columns: r.columns,
        expressions: r.expressions,
        partial: r.partial,
        predicate: r.predicate,
        definition:
          r.printed === null
            ? ''
            : after(
                r.printed,
                heads.map((h) => head + h),
                `index ${r.qindex}`,
              ),
        constraint: r.constraint,
        replicaIdentity: r.replica,
        valid: r.valid,
        comment: r.comment,
        dependsOn: r.depends_on,
      };
    },
  );
}
