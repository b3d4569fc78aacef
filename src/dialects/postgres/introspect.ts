/**
 * Reads the live definition of an object from pg_catalog before an operation drops or alters it, so
 * that its automatic `down` can re-create it exactly. The runner stores the result (plain JSON) with
 * the history row and hands it back to `reverse()`. Definitions come from PostgreSQL's own printers
 * (`format_type`, `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_viewdef`), so they
 * round-trip whatever the server supports.
 */
import { DatabaseError } from '../../errors.js';
import type {
  Captured,
  CapturedColumn,
  CapturedConstraint,
  CapturedIndex,
} from '../../operations/captured.js';
import type { Operation, QualifiedName } from '../../operations/types.js';
import { postgresQuoting } from '../../sql/tag.js';
import type { Connection } from '../dialect.js';

const regName = (n: QualifiedName) =>
  n.schema === undefined
    ? postgresQuoting.ident(n.name)
    : `${postgresQuoting.ident(n.schema)}.${postgresQuoting.ident(n.name)}`;

interface Relation {
  oid: unknown;
  schema: string;
  name: string;
  kind: string;
  /** Quoted as the server's printers quote (only when needed), to recognize their output. */
  qschema: string;
  qname: string;
}

async function relation(conn: Connection, name: QualifiedName): Promise<Relation | null> {
  const res = await conn.query<Relation>(
    `SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
            quote_ident(n.nspname) AS qschema, quote_ident(c.relname) AS qname
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1)`,
    [regName(name)],
  );
  return res.rows[0] ?? null;
}

const SERIALS: Record<string, string> = { integer: 'serial', bigint: 'bigserial', smallint: 'smallserial' };

async function columns(
  conn: Connection,
  rel: Relation,
  only: string | null,
  serial: boolean,
): Promise<CapturedColumn[]> {
  const res = await conn.query<{
    name: string;
    type: string;
    nullable: boolean;
    default_expr: string | null;
    collation: string | null;
    identity: string;
    generated: string;
    comment: string | null;
    owns_sequence: boolean;
  }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
            pg_get_expr(d.adbin, d.adrelid) AS default_expr,
            CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
            a.attidentity::text AS identity, a.attgenerated::text AS generated,
            col_description(a.attrelid, a.attnum) AS comment,
            EXISTS (SELECT 1 FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
                     WHERE dep.classid = 'pg_class'::regclass AND dep.refobjid = a.attrelid
                       AND dep.refobjsubid = a.attnum AND dep.deptype = 'a') AS owns_sequence
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
        AND ($2::text IS NULL OR a.attname = $2)
      ORDER BY a.attnum`,
    [rel.oid, only],
  );
  return res.rows.map((r) => {
    // A serial column's sequence goes away with it: re-create it as serial rather than with a
    // nextval() default pointing at a sequence that no longer exists.
    const serialType =
      serial && r.owns_sequence && r.default_expr?.startsWith('nextval(') ? SERIALS[r.type] : undefined;
    return {
      name: r.name,
      type: serialType ?? r.type,
      nullable: r.nullable,
      default: serialType !== undefined || r.generated === 's' ? null : r.default_expr,
      collation: r.collation,
      identity: r.identity === 'a' ? 'always' : r.identity === 'd' ? 'by default' : null,
      generated: r.generated === 's' ? r.default_expr : null,
      comment: r.comment,
    };
  });
}

/** `pg_get_indexdef` without `CREATE [UNIQUE] INDEX name ON [ONLY] table `, i.e. from `USING …`. */
function indexTail(def: string, qindex: string, rel: Relation, unique: boolean): string {
  const head = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${qindex} ON `;
  for (const t of [`${rel.qschema}.${rel.qname} `, `ONLY ${rel.qschema}.${rel.qname} `, `${rel.qname} `]) {
    if (def.startsWith(head + t)) return def.slice(head.length + t.length);
  }
  throw new DatabaseError(
    `Cannot read the definition of index ${qindex}: unexpected pg_get_indexdef output`,
    {
      details: { statement: def },
    },
  );
}

const CONSTRAINT_TYPES: Record<string, CapturedConstraint['type']> = {
  c: 'check',
  f: 'foreignKey',
  u: 'unique',
  p: 'primaryKey',
  x: 'exclusion',
};

/** Constraints of a table: all, one by name, or those PostgreSQL drops with a column. */
async function constraints(
  conn: Connection,
  rel: Relation,
  filter: { name?: string; column?: string },
): Promise<CapturedConstraint[]> {
  const res = await conn.query<{
    name: string;
    type: string;
    definition: string;
    validated: boolean;
    deferrable: boolean;
    ref_schema: string | null;
    ref_name: string | null;
    index_name: string | null;
    index_def: string | null;
  }>(
    `SELECT c.conname AS name, c.contype::text AS type, pg_get_constraintdef(c.oid) AS definition,
            c.convalidated AS validated, c.condeferrable AS deferrable,
            rn.nspname AS ref_schema, r.relname AS ref_name,
            quote_ident(i.relname) AS index_name, CASE WHEN c.contype IN ('u', 'p') THEN pg_get_indexdef(c.conindid) END AS index_def
       FROM pg_constraint c
       LEFT JOIN pg_class r ON c.contype = 'f' AND r.oid = c.confrelid
       LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
       LEFT JOIN pg_class i ON c.contype IN ('u', 'p') AND i.oid = c.conindid
      WHERE c.conrelid = $1::oid AND c.contype IN ('c', 'f', 'u', 'p', 'x')
        AND ($2::text IS NULL OR c.conname = $2)
        AND ($3::text IS NULL OR EXISTS (
              SELECT 1 FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
               WHERE d.classid = 'pg_constraint'::regclass AND d.objid = c.oid AND d.refobjid = c.conrelid
                 AND d.deptype = 'a' AND a.attname = $3))
      ORDER BY c.conname`,
    [rel.oid, filter.name ?? null, filter.column ?? null],
  );
  return res.rows.map((r) => {
    const type = CONSTRAINT_TYPES[r.type]!;
    const index =
      r.index_def !== null && r.index_name !== null ? indexTail(r.index_def, r.index_name, rel, true) : null;
    // The NOT VALID marker is re-added by the compiler (validate: 'never'), not kept in the definition.
    const definition =
      !r.validated && r.definition.endsWith(' NOT VALID') ? r.definition.slice(0, -10) : r.definition;
    return {
      name: r.name,
      type,
      definition,
      validated: r.validated,
      references: r.ref_name === null ? null : { schema: r.ref_schema ?? 'public', name: r.ref_name },
      index,
      deferrable: r.deferrable,
    };
  });
}

/** Indexes of a table that do not back a constraint: all, one by name, or those on a column. */
async function indexes(
  conn: Connection,
  rel: Relation,
  filter: { name?: string; column?: string },
): Promise<CapturedIndex[]> {
  const res = await conn.query<{
    name: string;
    qname: string;
    unique: boolean;
    def: string;
    comment: string | null;
  }>(
    `SELECT ci.relname AS name, quote_ident(ci.relname) AS qname, ix.indisunique AS unique, pg_get_indexdef(ix.indexrelid) AS def,
            obj_description(ix.indexrelid, 'pg_class') AS comment
       FROM pg_index ix JOIN pg_class ci ON ci.oid = ix.indexrelid
      WHERE ix.indrelid = $1::oid
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                         WHERE c.conindid = ix.indexrelid AND c.conrelid = ix.indrelid AND c.contype IN ('p', 'u', 'x'))
        AND ($2::text IS NULL OR ci.relname = $2)
        AND ($3::text IS NULL OR EXISTS (
              SELECT 1 FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
               WHERE d.classid = 'pg_class'::regclass AND d.objid = ix.indexrelid AND d.refobjid = ix.indrelid
                 AND a.attname = $3))
      ORDER BY ci.relname`,
    [rel.oid, filter.name ?? null, filter.column ?? null],
  );
  return res.rows.map((r) => ({
    name: r.name,
    unique: r.unique,
    definition: indexTail(r.def, r.qname, rel, r.unique),
    comment: r.comment,
  }));
}

async function view(conn: Connection, name: QualifiedName): Promise<Captured | null> {
  const rel = await relation(conn, name);
  if (rel === null || rel.kind !== 'v') return null;
  const res = await conn.query<{ query: string; options: string[] | null; comment: string | null }>(
    `SELECT pg_get_viewdef(c.oid) AS query, c.reloptions AS options, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c WHERE c.oid = $1::oid`,
    [rel.oid],
  );
  const row = res.rows[0]!;
  const options: Record<string, string> = {};
  for (const o of row.options ?? []) {
    const eq = o.indexOf('=');
    options[o.slice(0, eq)] = o.slice(eq + 1);
  }
  // pg_get_viewdef ends with a semicolon, which CREATE VIEW … AS does not take.
  const query = row.query.trim().replace(/;$/, '');
  return { kind: 'view', view: name, query, options, comment: row.comment };
}

async function enumType(conn: Connection, name: QualifiedName): Promise<Captured | null> {
  const res = await conn.query<{ label: string | null; is_enum: boolean }>(
    `SELECT e.enumlabel AS label, t.typtype = 'e' AS is_enum
       FROM pg_type t LEFT JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.oid = to_regtype($1) ORDER BY e.enumsortorder`,
    [regName(name)],
  );
  if (res.rows.length === 0 || !res.rows[0]!.is_enum) return null;
  return { kind: 'enum', type: name, values: res.rows.flatMap((r) => (r.label === null ? [] : [r.label])) };
}

async function column(
  conn: Connection,
  table: QualifiedName,
  name: string,
  withDependents: boolean,
): Promise<Captured | null> {
  const rel = await relation(conn, table);
  if (rel === null) return null;
  const [col] = await columns(conn, rel, name, withDependents);
  if (col === undefined) return null;
  if (!withDependents) return { kind: 'column', table, column: col, constraints: [], indexes: [] };
  return {
    kind: 'column',
    table,
    column: col,
    constraints: await constraints(conn, rel, { column: name }),
    indexes: await indexes(conn, rel, { column: name }),
  };
}

/**
 * Captures what `op` is about to drop or change, or null when the object does not exist (or the
 * operation needs nothing captured). Call it on the migration's connection just before running `op`.
 *
 * @example
 * const captured = definitionOf(op).needsCapture(op) ? await captureDefinition(conn, op) : null;
 * // … run op, store JSON.stringify(captured) with the history row; later: reverse(op, captured)
 */
export async function captureDefinition(conn: Connection, op: Operation): Promise<Captured | null> {
  switch (op.kind) {
    case 'dropTable': {
      const rel = await relation(conn, op.table);
      if (rel === null || (rel.kind !== 'r' && rel.kind !== 'p')) return null;
      const res = await conn.query<{ comment: string | null }>(
        `SELECT obj_description($1::oid, 'pg_class') AS comment`,
        [rel.oid],
      );
      return {
        kind: 'table',
        table: op.table,
        columns: await columns(conn, rel, null, true),
        constraints: await constraints(conn, rel, {}),
        indexes: await indexes(conn, rel, {}),
        comment: res.rows[0]?.comment ?? null,
      };
    }
    case 'dropColumn':
      return column(conn, op.table, op.column, true);
    case 'alterColumn':
      return column(conn, op.table, op.column, false);
    case 'dropIndex': {
      const rel = await relation(conn, op.table);
      const [index] = rel === null ? [] : await indexes(conn, rel, { name: op.name });
      return index === undefined ? null : { kind: 'index', table: op.table, index };
    }
    case 'dropConstraint': {
      const rel = await relation(conn, op.table);
      const [constraint] = rel === null ? [] : await constraints(conn, rel, { name: op.name });
      return constraint === undefined ? null : { kind: 'constraint', table: op.table, constraint };
    }
    case 'dropView':
    case 'createView':
      return view(conn, op.view);
    case 'dropEnum':
      return enumType(conn, op.type);
    default:
      return null;
  }
}
