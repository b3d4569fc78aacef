/** Rewrite rules of tables (`CREATE RULE`). */
import type { Rule } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { perTable } from './query.js';

/**
 * Reads the rules of the tables `oids`, by table, by name.
 *
 * @example
 * const rules = await readRules(conn, ['16384']);
 */
export async function readRules(conn: Connection, oids: readonly string[]): Promise<Map<string, Rule[]>> {
  return perTable<Rule & { table: string }, Rule>(
    conn,
    oids,
    `SELECT r.ev_class::text AS table, r.rulename AS name, pg_get_ruledef(r.oid) AS definition
       FROM pg_rewrite r
      WHERE r.ev_class = ANY($1::oid[]) AND r.rulename <> '_RETURN'
      ORDER BY r.ev_class, r.rulename`,
    (r) => ({ name: r.name, definition: r.definition }),
  );
}
