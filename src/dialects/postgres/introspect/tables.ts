/** Tables: their own facts, then each kind of object they hold, read by its own reader. */
import type { ObjectName, Table } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { readColumns } from './columns.js';
import { readConstraints } from './constraints.js';
import { readDependents } from './dependents.js';
import { readIndexes } from './indexes.js';
import { readPolicies } from './policies.js';
import { perTable, rows } from './query.js';
import { readRules } from './rules.js';
import { readStatistics } from './statistics.js';
import { readTriggers } from './triggers.js';

interface Row {
  oid: string;
  schema: string;
  name: string;
  kind: string;
  bound: string | null;
  partkey: string | null;
  of_type: string | null;
  tablespace: string | null;
  owner: string;
  options: string[] | null;
  rls: boolean;
  force_rls: boolean;
  replident: string;
  comment: string | null;
}

const REPLICA_IDENTITY: Record<string, Table['replicaIdentity']> = {
  d: 'default',
  n: 'nothing',
  f: 'full',
  i: 'index',
};

/** Parents of each table (`pg_inherits`), in order. */
async function readParents(conn: Connection, oids: readonly string[]) {
  return perTable<ObjectName & { table: string }, ObjectName>(
    conn,
    oids,
    `SELECT i.inhrelid::text AS table, pn.nspname AS schema, p.relname AS name
       FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE i.inhrelid = ANY($1::oid[])
      ORDER BY i.inhrelid, i.inhseqno`,
    (p) => ({ schema: p.schema, name: p.name }),
  );
}

/**
 * Reads the tables `oids` whole, by schema and name (see `IntrospectOptions` for `dependents` and
 * `printed`).
 *
 * @example
 * const [users] = await readTables(conn, ['16384'], { dependents: false, printed: true });
 */
export async function readTables(
  conn: Connection,
  oids: readonly string[],
  options: { dependents: boolean; printed: boolean },
): Promise<Table[]> {
  if (oids.length === 0) return [];
  const found = await rows<Row>(
    conn,
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
            CASE WHEN c.relispartition THEN ${options.printed ? 'pg_get_expr(c.relpartbound, c.oid)' : "''"} END AS bound,
            CASE WHEN c.relkind = 'p' THEN ${options.printed ? 'pg_get_partkeydef(c.oid)' : "''"} END AS partkey,
            CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END AS of_type,
            (SELECT s.spcname FROM pg_tablespace s WHERE s.oid = c.reltablespace) AS tablespace,
            pg_get_userbyid(c.relowner)::text AS owner, c.reloptions AS options,
            c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls, c.relreplident::text AS replident,
            obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = ANY($1::oid[])
      ORDER BY n.nspname, c.relname`,
    [oids],
  );
  const parents = await readParents(conn, oids);
  const columns = await readColumns(conn, oids);
  const constraints = await readConstraints(conn, oids);
  const indexes = await readIndexes(conn, oids, options.printed);
  const none = new Map<string, never[]>();
  const triggers = options.printed ? await readTriggers(conn, oids) : none;
  const policies = options.printed ? await readPolicies(conn, oids) : none;
  const rules = options.printed ? await readRules(conn, oids) : none;
  const statistics = options.printed ? await readStatistics(conn, oids) : none;
  const dependents = options.dependents ? await readDependents(conn, oids) : null;
  return found.map((r) => {
    const up = parents.get(r.oid) ?? [];
    const table: Table = {
      schema: r.schema,
      name: r.name,
      partitioned: r.kind === 'p',
      partitionKey: r.partkey,
      // A partition has exactly one parent: the partitioned table.
      partitionOf: r.bound !== null && up[0] ? { table: up[0], bound: r.bound } : null,
      inherits: r.bound !== null ? [] : up,
      ofType: r.of_type,
      tablespace: r.tablespace,
      owner: r.owner,
      options: r.options ?? [],
      rowSecurity: r.rls,
      forceRowSecurity: r.force_rls,
      replicaIdentity: REPLICA_IDENTITY[r.replident] ?? 'default',
      comment: r.comment,
      columns: columns.get(r.oid) ?? [],
      constraints: constraints.get(r.oid) ?? [],
      indexes: indexes.get(r.oid) ?? [],
      triggers: triggers.get(r.oid) ?? [],
      policies: policies.get(r.oid) ?? [],
      rules: rules.get(r.oid) ?? [],
      statistics: statistics.get(r.oid) ?? [],
    };
    if (dependents) table.dependents = dependents.get(r.oid) ?? [];
    return table;
  });
}
