/** Row-level security policies of tables. */
import type { Policy } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { dependsOn, perTable } from './query.js';

interface Row extends Pick<Policy, 'name' | 'permissive' | 'roles' | 'using' | 'check' | 'comment'> {
  table: string;
  cmd: string;
  depends_on: string[];
}

const COMMANDS: Record<string, Policy['command']> = {
  '*': 'all',
  r: 'select',
  a: 'insert',
  w: 'update',
  d: 'delete',
};

/**
 * Reads the policies of the tables `oids`, by table, by name.
 *
 * @example
 * const policies = await readPolicies(conn, ['16384']);
 */
export async function readPolicies(
  conn: Connection,
  oids: readonly string[],
): Promise<Map<string, Policy[]>> {
  return perTable<Row, Policy>(
    conn,
    oids,
    `SELECT p.polrelid::text AS table, p.polname AS name, p.polpermissive AS permissive, p.polcmd::text AS cmd,
            ARRAY(SELECT x.role FROM (SELECT CASE WHEN u.r = 0 THEN 'public' ELSE pg_get_userbyid(u.r)::text END AS role
                                        FROM unnest(p.polroles) u(r)) x
                   ORDER BY x.role COLLATE "C")::text[] AS roles,
            pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS check,
            obj_description(p.oid, 'pg_policy') AS comment,
            ${dependsOn('pg_policy', 'p.oid', 'p.polrelid')} AS depends_on
       FROM pg_policy p
      WHERE p.polrelid = ANY($1::oid[])
      ORDER BY p.polrelid, p.polname`,
    (r) => ({
      name: r.name,
      permissive: r.permissive,
      command: COMMANDS[r.cmd] ?? 'all',
      roles: r.roles,
      using: r.using,
      check: r.check,
      comment: r.comment,
      dependsOn: r.depends_on,
    }),
  );
}
