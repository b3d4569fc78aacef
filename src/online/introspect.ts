/**
 * Reads the tables of one schema into a small in-memory model. Operations are checked against this
 * model before anything changes, so a typo in a column name fails the migration before the first DDL.
 */
import type { Connection } from '../dialects/dialect.js';
import { sql } from '../sql/tag.js';
import { run } from './db.js';
import { TEMP_PREFIX } from './names.js';

export interface ColumnInfo {
  name: string;
  /** `format_type` text, e.g. `character varying(20)`. */
  type: string;
  notNull: boolean;
  default: string | null;
  /** Identity or generated columns cannot be duplicated by an online operation. */
  special: boolean;
}

export interface IndexInfo {
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
  /** Has an expression or a predicate (cannot be rebuilt column by column). */
  complex: boolean;
  /** Backs a constraint (primary key, unique, exclusion). */
  constraint: string | null;
  /** Access method, e.g. `btree`. */
  method: string;
}

export interface ConstraintInfo {
  name: string;
  /** `c` check, `f` foreign key, `p` primary key, `u` unique, `x` exclusion. */
  type: string;
  columns: string[];
  /** `pg_get_constraintdef` text, e.g. `CHECK ((age > 0))`. */
  def: string;
  /** Referenced table of a foreign key (same schema or not). */
  refTable: string | null;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  indexes: IndexInfo[];
  constraints: ConstraintInfo[];
}

/** Tables of a schema by name; sluice's own temporary tables and columns are left out. */
export type SchemaInfo = Map<string, TableInfo>;

/**
 * Reads every ordinary and partitioned table of `schema` (not partitions).
 *
 * @example
 * const tables = await introspect(conn, 'public');
 * tables.get('users')?.columns.map((c) => c.name);
 */
export async function introspect(conn: Connection, schema: string): Promise<SchemaInfo> {
  const cols = await run<{
    table: string;
    name: string;
    type: string;
    not_null: boolean;
    def: string | null;
    special: boolean;
  }>(
    conn,
    sql`SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
               a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS def,
               (a.attidentity <> '' OR a.attgenerated <> '') AS special
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
         WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         ORDER BY c.relname, a.attnum`,
  );
  const tables: SchemaInfo = new Map();
  for (const r of cols.rows) {
    if (r.table.startsWith(TEMP_PREFIX)) continue;
    let t = tables.get(r.table);
    if (!t) {
      t = { name: r.table, columns: [], primaryKey: [], indexes: [], constraints: [] };
      tables.set(r.table, t);
    }
    if (r.name.startsWith(TEMP_PREFIX)) continue;
    t.columns.push({ name: r.name, type: r.type, notNull: r.not_null, default: r.def, special: r.special });
  }
  const idx = await run<{
    table: string;
    name: string;
    columns: string[];
    unique: boolean;
    primary: boolean;
    complex: boolean;
    con: string | null;
    method: string;
  }>(
    conn,
    sql`SELECT t.relname AS table, i.relname AS name,
               ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
               x.indisunique AS unique, x.indisprimary AS primary,
               (x.indexprs IS NOT NULL OR x.indpred IS NOT NULL) AS complex, con.conname AS con, am.amname AS method
          FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid
          JOIN pg_am am ON am.oid = i.relam
          JOIN pg_class t ON t.oid = x.indrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
          LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = t.oid
         WHERE n.nspname = ${schema}`,
  );
  for (const r of idx.rows) {
    const t = tables.get(r.table);
    if (!t) continue;
    t.indexes.push({
      name: r.name,
      columns: r.columns,
      unique: r.unique,
      primary: r.primary,
      complex: r.complex,
      constraint: r.con,
      method: r.method,
    });
    if (r.primary) t.primaryKey = r.columns;
  }
  const cons = await run<{
    table: string;
    name: string;
    type: string;
    columns: string[] | null;
    def: string;
    ref_table: string | null;
  }>(
    conn,
    sql`SELECT t.relname AS table, c.conname AS name, c.contype::text AS type,
               ARRAY(SELECT a.attname FROM unnest(c.conkey) k(attnum)
                       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)::text[] AS columns,
               pg_get_constraintdef(c.oid) AS def, (SELECT r.relname FROM pg_class r WHERE r.oid = c.confrelid) AS ref_table
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.conrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = ${schema} AND c.contype IN ('c', 'f', 'p', 'u', 'x')`,
  );
  for (const r of cons.rows) {
    const t = tables.get(r.table);
    if (!t) continue;
    t.constraints.push({
      name: r.name,
      type: r.type,
      columns: r.columns ?? [],
      def: r.def,
      refTable: r.ref_table,
    });
  }
  return tables;
}
