/** Domains: a base type with a default, NOT NULL, a collation and check constraints. */
import type { Domain } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { collationName, perTable, rows, withoutNotValid } from './query.js';

interface Row {
  oid: string;
  schema: string;
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  collation_schema: string | null;
  collation_name: string | null;
  comment: string | null;
}

type Check = Domain['checks'][number];

/**
 * Reads the domains `oids`, by schema and name, their checks by name.
 *
 * @example
 * const [positive] = await readDomains(conn, ['16420']); positive?.checks[0]?.definition // 'CHECK ((VALUE > 0))'
 */
export async function readDomains(conn: Connection, oids: readonly string[]): Promise<Domain[]> {
  if (oids.length === 0) return [];
  // typdefault is the text stored when the domain was made; pg_get_expr prints for this session.
  const found = await rows<Row>(
    conn,
    `SELECT t.oid::text AS oid, n.nspname AS schema, t.typname AS name,
            format_type(t.typbasetype, t.typtypmod) AS type, NOT t.typnotnull AS nullable,
            pg_get_expr(t.typdefaultbin, 0) AS default,
            cn.nspname AS collation_schema, co.collname AS collation_name,
            obj_description(t.oid, 'pg_type') AS comment
       FROM pg_type t
       JOIN pg_namespace n ON n.oid = t.typnamespace
       JOIN pg_type b ON b.oid = t.typbasetype
       LEFT JOIN pg_collation co ON co.oid = t.typcollation AND t.typcollation <> b.typcollation
       LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
      WHERE t.oid = ANY($1::oid[])
      ORDER BY n.nspname, t.typname`,
    [oids],
  );
  // PostgreSQL 17 also records a domain's NOT NULL in pg_constraint (contype 'n'): typnotnull says it.
  const checks = await perTable<
    { table: string; name: string; definition: string; validated: boolean },
    Check
  >(
    conn,
    oids,
    `SELECT c.contypid::text AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition,
            c.convalidated AS validated
       FROM pg_constraint c
      WHERE c.contypid = ANY($1::oid[]) AND c.contype = 'c'
      ORDER BY c.contypid, c.conname`,
    (r) => ({ name: r.name, definition: withoutNotValid(r.definition, r.validated), validated: r.validated }),
  );
  return found.map((r) => ({
    schema: r.schema,
    name: r.name,
    type: r.type,
    nullable: r.nullable,
    default: r.default,
    collation: collationName(r.collation_schema, r.collation_name),
    checks: checks.get(r.oid) ?? [],
    comment: r.comment,
  }));
}
