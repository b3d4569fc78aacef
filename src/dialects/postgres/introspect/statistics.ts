/** Extended statistics objects on tables (`CREATE STATISTICS`). */
import type { Statistics } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { perTable } from './query.js';

/**
 * Reads the extended statistics of the tables `oids`, by table, by name.
 *
 * @example
 * const statistics = await readStatistics(conn, ['16384']);
 */
export async function readStatistics(
  conn: Connection,
  oids: readonly string[],
): Promise<Map<string, Statistics[]>> {
  return perTable<Statistics & { table: string }, Statistics>(
    conn,
    oids,
    `SELECT s.stxrelid::text AS table, sn.nspname AS schema, s.stxname AS name,
            pg_get_statisticsobjdef(s.oid) AS definition
       FROM pg_statistic_ext s JOIN pg_namespace sn ON sn.oid = s.stxnamespace
      WHERE s.stxrelid = ANY($1::oid[])
      ORDER BY s.stxrelid, s.stxname`,
    (s) => ({ schema: s.schema, name: s.name, definition: s.definition }),
  );
}
