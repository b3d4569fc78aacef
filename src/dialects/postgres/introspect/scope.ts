/**
 * Which objects an introspection reads, as oids: whole schemas, or named objects (found through the
 * search path when unqualified, as the server resolves them).
 */
import type { IntrospectOptions } from '../../../schema/model.js';
import { postgresQuoting } from '../../../sql/tag.js';
import type { Connection } from '../../dialect.js';
import { rows } from './query.js';

/** Oids (as text) of what to read, by kind. */
export interface Scope {
  tables: string[];
  views: string[];
  sequences: string[];
  enums: string[];
}

type Name = { schema?: string; name: string };

const quoted = (n: Name) =>
  n.schema === undefined
    ? postgresQuoting.ident(n.name)
    : `${postgresQuoting.ident(n.schema)}.${postgresQuoting.ident(n.name)}`;

/** Relations of the given kinds among `names`, each once. */
async function relations(conn: Connection, names: readonly Name[] | undefined, kinds: string[]) {
  if (!names || names.length === 0) return [];
  const found = await rows<{ oid: string }>(
    conn,
    `SELECT DISTINCT c.oid::text AS oid FROM unnest($1::text[]) u(name)
       JOIN pg_class c ON c.oid = to_regclass(u.name)
      WHERE c.relkind::text = ANY($2::text[])`,
    [names.map(quoted), kinds],
  );
  return found.map((r) => r.oid);
}

async function named(conn: Connection, only: NonNullable<IntrospectOptions['only']>): Promise<Scope> {
  const tables = await relations(conn, only.tables, ['r', 'p']);
  const views = await relations(conn, only.views, ['v', 'm']);
  const enums =
    only.enums && only.enums.length > 0
      ? await rows<{ oid: string }>(
          conn,
          `SELECT DISTINCT t.oid::text AS oid FROM unnest($1::text[]) u(name)
             JOIN pg_type t ON t.oid = to_regtype(u.name) WHERE t.typtype = 'e'`,
          [only.enums.map(quoted)],
        )
      : [];
  // A table's serial and identity sequences belong to its definition.
  const sequences =
    tables.length > 0
      ? await rows<{ oid: string }>(
          conn,
          `SELECT DISTINCT d.objid::text AS oid FROM pg_depend d
             JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
            WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
              AND d.refobjid = ANY($1::oid[]) AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')`,
          [tables],
        )
      : [];
  return { tables, views, enums: enums.map((r) => r.oid), sequences: sequences.map((r) => r.oid) };
}

async function schemas(conn: Connection, list: readonly string[] | undefined): Promise<Scope> {
  const where =
    list === undefined
      ? `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`
      : `n.nspname = ANY($1::text[])`;
  const found = await rows<{ oid: string; kind: string }>(
    conn,
    `SELECT c.oid::text AS oid, c.relkind::text AS kind FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${where} AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
     UNION ALL
     SELECT t.oid::text, 'e' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE ${where} AND t.typtype = 'e'`,
    list === undefined ? [] : [list],
  );
  const of = (...kinds: string[]) => found.filter((r) => kinds.includes(r.kind)).map((r) => r.oid);
  return { tables: of('r', 'p'), views: of('v', 'm'), sequences: of('S'), enums: of('e') };
}

/**
 * Resolves what `options` ask for.
 *
 * @example
 * const scope = await resolveScope(conn, { only: { tables: [{ name: 'users' }] } });
 */
export function resolveScope(conn: Connection, options: IntrospectOptions): Promise<Scope> {
  return options.only ? named(conn, options.only) : schemas(conn, options.schemas);
}
