/** Triggers of tables (not the internal ones behind foreign keys). */
import type { Trigger } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { after, around, columnNames, dependsOn, perTable } from './query.js';

interface Row {
  table: string;
  name: string;
  printed: string;
  qname: string;
  qtable: string;
  constraint: boolean;
  type: number;
  enabled: string;
  function_schema: string;
  function_name: string;
  columns: string[];
  comment: string | null;
  depends_on: string[];
}

const ENABLED: Record<string, Trigger['enabled']> = {
  O: 'origin',
  D: 'disabled',
  R: 'replica',
  A: 'always',
};

// pg_trigger.tgtype bits (catalog/pg_trigger.h).
const ROW = 1;
const BEFORE = 2;
const INSTEAD = 64;
const EVENTS: [number, Trigger['events'][number]][] = [
  [4, 'insert'],
  [8, 'delete'],
  [16, 'update'],
  [32, 'truncate'],
];

/**
 * Reads the triggers of the tables `oids`, by table, by name.
 *
 * @example
 * const triggers = await readTriggers(conn, ['16384']);
 */
export async function readTriggers(
  conn: Connection,
  oids: readonly string[],
): Promise<Map<string, Trigger[]>> {
  return perTable<Row, Trigger>(
    conn,
    oids,
    `SELECT t.tgrelid::text AS table, t.tgname AS name, pg_get_triggerdef(t.oid) AS printed,
            quote_ident(t.tgname) AS qname, quote_ident(tn.nspname) || '.' || quote_ident(c.relname) AS qtable,
            t.tgconstraint <> 0 AS constraint, t.tgtype::int AS type, t.tgenabled::text AS enabled,
            fn.nspname AS function_schema, f.proname AS function_name,
            ${columnNames('t.tgrelid', 't.tgattr')} AS columns, obj_description(t.oid, 'pg_trigger') AS comment,
            ${dependsOn('pg_trigger', 't.oid', 't.tgrelid')} AS depends_on
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace tn ON tn.oid = c.relnamespace
       JOIN pg_proc f ON f.oid = t.tgfoid
       JOIN pg_namespace fn ON fn.oid = f.pronamespace
      WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal
      ORDER BY t.tgrelid, t.tgname`,
    (r) => {
      // `CREATE [CONSTRAINT] TRIGGER name <fires> ON schema.table <action>`.
      const what = `trigger ${r.qname}`;
      const rest = after(r.printed, [`CREATE ${r.constraint ? 'CONSTRAINT ' : ''}TRIGGER ${r.qname} `], what);
      const [fires, action] = around(rest, ` ON ${r.qtable} `, what);
      return {
        name: r.name,
        constraint: r.constraint,
        fires,
        action,
        timing: r.type & INSTEAD ? 'instead of' : r.type & BEFORE ? 'before' : 'after',
        level: r.type & ROW ? 'row' : 'statement',
        events: EVENTS.filter(([bit]) => r.type & bit).map(([, e]) => e),
        enabled: ENABLED[r.enabled] ?? 'origin',
        function: { schema: r.function_schema, name: r.function_name },
        columns: r.columns,
        comment: r.comment,
        dependsOn: r.depends_on,
      };
    },
  );
}
