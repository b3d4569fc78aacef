/**
 * Which objects an introspection reads, as oids: whole schemas, or named objects (found through the
 * search path when unqualified, as the server resolves them). Objects that belong to an extension
 * (`pg_depend` deptype `e`) and the system schemas are never read.
 */
import type { IntrospectOptions } from '../../../schema/model.js';
import { postgresQuoting } from '../../../sql/tag.js';
import type { Connection } from '../../dialect.js';
import { rows } from './query.js';

/** Oids (as text) of what to read, by kind. */
export interface Scope {
  schemas: string[];
  extensions: string[];
  tables: string[];
  views: string[];
  sequences: string[];
  enums: string[];
  domains: string[];
  composites: string[];
  routines: string[];
}

type Name = { schema?: string; name: string };

const quoted = (n: Name) =>
  n.schema === undefined
    ? postgresQuoting.ident(n.name)
    : `${postgresQuoting.ident(n.schema)}.${postgresQuoting.ident(n.name)}`;

/** SQL: object `oid` of catalog `catalog` is not a member of an extension. */
const notExtensionMember = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend dx WHERE dx.classid = '${catalog}'::regclass AND dx.objid = ${oid} AND dx.deptype = 'e')`;

/** Relations of the given kinds among `names`, each once. */
async function relations(conn: Connection, names: readonly Name[] | undefined, kinds: string[]) {
  if (!names || names.length === 0) return [];
  const found = await rows<{ oid: string }>(
    conn,
    `SELECT DISTINCT c.oid::text AS oid FROM unnest($1::text[]) u(name)
       JOIN pg_class c ON c.oid = to_regclass(u.name)
      WHERE c.relkind::text = ANY($2::text[]) AND ${notExtensionMember('pg_class', 'c.oid')}`,
    [names.map(quoted), kinds],
  );
  return found.map((r) => r.oid);
}

/** Types of kind `typtype` among `names` (composites: free-standing ones only), each once. */
async function types(conn: Connection, names: readonly Name[] | undefined, typtype: 'e' | 'd' | 'c') {
  if (!names || names.length === 0) return [];
  const found = await rows<{ oid: string }>(
    conn,
    `SELECT DISTINCT t.oid::text AS oid FROM unnest($1::text[]) u(name)
       JOIN pg_type t ON t.oid = to_regtype(u.name)
      WHERE t.typtype::text = $2::text AND ${notExtensionMember('pg_type', 't.oid')}
        AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')`,
    [names.map(quoted), typtype],
  );
  return found.map((r) => r.oid);
}

/** Every overload of each routine name; an unqualified name, in the first schema on the path that has it. */
async function routines(conn: Connection, names: readonly Name[] | undefined) {
  if (!names || names.length === 0) return [];
  const found = await rows<{ oid: string }>(
    conn,
    `SELECT DISTINCT p.oid::text AS oid
       FROM unnest($1::text[], $2::text[]) u(schema, name)
       JOIN pg_proc p ON p.proname = u.name
       JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = COALESCE(u.schema, (
              SELECT s.name FROM unnest(current_schemas(false)) WITH ORDINALITY s(name, position)
               WHERE EXISTS (SELECT 1 FROM pg_proc q JOIN pg_namespace qn ON qn.oid = q.pronamespace
                              WHERE qn.nspname = s.name AND q.proname = u.name)
               ORDER BY s.position LIMIT 1))
        AND ${notExtensionMember('pg_proc', 'p.oid')}`,
    [names.map((n) => n.schema ?? null), names.map((n) => n.name)],
  );
  return found.map((r) => r.oid);
}

async function named(conn: Connection, only: NonNullable<IntrospectOptions['only']>): Promise<Scope> {
  const tables = await relations(conn, only.tables, ['r', 'p']);
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
  return {
    schemas: [],
    extensions: [],
    tables,
    views: await relations(conn, only.views, ['v', 'm']),
    sequences: sequences.map((r) => r.oid),
    enums: await types(conn, only.enums, 'e'),
    domains: await types(conn, only.domains, 'd'),
    composites: await types(conn, only.composites, 'c'),
    routines: await routines(conn, only.routines),
  };
}

async function schemas(conn: Connection, list: readonly string[] | undefined): Promise<Scope> {
  const where =
    list === undefined
      ? `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`
      : `n.nspname = ANY($1::text[])`;
  // One row per object: its oid and a letter for its kind (relkind, typtype, or one of our own).
  const found = await rows<{ oid: string; kind: string }>(
    conn,
    `SELECT n.oid::text AS oid, 'schema' AS kind FROM pg_namespace n
      WHERE ${where} AND ${notExtensionMember('pg_namespace', 'n.oid')}
     UNION ALL
     SELECT e.oid::text, 'extension' FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE ${where}
     UNION ALL
     SELECT c.oid::text, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${where} AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND ${notExtensionMember('pg_class', 'c.oid')}
     UNION ALL
     SELECT t.oid::text, 'type:' || t.typtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE ${where} AND ${notExtensionMember('pg_type', 't.oid')}
        AND (t.typtype IN ('e', 'd')
             OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
     UNION ALL
     SELECT p.oid::text, 'routine' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE ${where} AND ${notExtensionMember('pg_proc', 'p.oid')}`,
    list === undefined ? [] : [list],
  );
  const of = (...kinds: string[]) => found.filter((r) => kinds.includes(r.kind)).map((r) => r.oid);
  return {
    schemas: of('schema'),
    extensions: of('extension'),
    tables: of('r', 'p'),
    views: of('v', 'm'),
    sequences: of('S'),
    enums: of('type:e'),
    domains: of('type:d'),
    composites: of('type:c'),
    routines: of('routine'),
  };
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
