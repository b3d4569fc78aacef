/**
 * The planner's view of one schema's tables, narrowed from the schema model. Operations are checked
 * against it before anything changes, so a typo in a column name fails the migration before the
 * first DDL. The online engine is PostgreSQL's, so it reads through PostgreSQL's introspector.
 */
import type { Connection } from '../dialects/dialect.js';
import { introspectPostgres } from '../dialects/postgres/introspect/index.js';
import type { Column, Constraint, Index, SchemaModel } from '../schema/model.js';
import { TEMP_PREFIX } from './names.js';

/** A column as the planner sees it ({@link Column}, with `notNull` and one flag). */
export interface ColumnInfo extends Pick<Column, 'name' | 'type'> {
  notNull: boolean;
  /** {@link Column.default}, or a generated column's expression. */
  default: string | null;
  /** Identity or generated columns cannot be duplicated by an online operation. */
  special: boolean;
}

/** An index as the planner sees it ({@link Index}). */
export interface IndexInfo
  extends Pick<Index, 'name' | 'columns' | 'unique' | 'primary' | 'constraint' | 'method'> {
  /** Has an expression or a predicate (cannot be rebuilt column by column). */
  complex: boolean;
}

/** A constraint as the planner sees it ({@link Constraint}). */
export interface ConstraintInfo extends Pick<Constraint, 'name' | 'columns'> {
  /** `c` check, `f` foreign key, `p` primary key, `u` unique, `x` exclusion. */
  type: string;
  /** As the server prints it, `NOT VALID` included: `CHECK ((age > 0))`. */
  def: string;
  /** Referenced table of a foreign key (same schema or not). */
  refTable: string | null;
}

/** A table as the planner sees it. */
export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  /** Columns of the primary key's index. */
  primaryKey: string[];
  indexes: IndexInfo[];
  constraints: ConstraintInfo[];
}

/** Tables of a schema by name; sluice's own temporary tables and columns are left out. */
export type SchemaInfo = Map<string, TableInfo>;

const CONSTRAINT_LETTERS: Record<Constraint['type'], string> = {
  check: 'c',
  foreignKey: 'f',
  primaryKey: 'p',
  unique: 'u',
  exclusion: 'x',
};

/**
 * The planner's view of the model's tables: ordinary and partitioned tables, not partitions, not
 * sluice's temporary tables or columns.
 *
 * @example
 * const info = schemaInfo(await introspectPostgres(conn, { schemas: ['public'] }));
 */
export function schemaInfo(model: SchemaModel): SchemaInfo {
  const tables: SchemaInfo = new Map();
  for (const t of model.tables) {
    if (t.partitionOf !== null || t.name.startsWith(TEMP_PREFIX)) continue;
    const indexes = t.indexes.map((i) => ({
      name: i.name,
      columns: i.columns,
      unique: i.unique,
      primary: i.primary,
      complex: i.expressions || i.partial,
      constraint: i.constraint,
      method: i.method,
    }));
    tables.set(t.name, {
      name: t.name,
      columns: t.columns
        .filter((c) => !c.name.startsWith(TEMP_PREFIX))
        .map((c) => ({
          name: c.name,
          type: c.type,
          notNull: !c.nullable,
          // The server keeps a generated column's expression where a default would be.
          default: c.default ?? c.generated,
          special: c.identity !== null || c.generated !== null,
        })),
      primaryKey: indexes.find((i) => i.primary)?.columns ?? [],
      indexes,
      constraints: t.constraints.map((c) => ({
        name: c.name,
        type: CONSTRAINT_LETTERS[c.type],
        columns: c.columns,
        def: c.validated ? c.definition : `${c.definition} NOT VALID`,
        refTable: c.references?.table.name ?? null,
      })),
    });
  }
  return tables;
}

/**
 * Reads every ordinary and partitioned table of `schema` (not partitions).
 *
 * @example
 * const tables = await introspect(conn, 'public');
 * tables.get('users')?.columns.map((c) => c.name);
 */
export async function introspect(conn: Connection, schema: string): Promise<SchemaInfo> {
  // Not printed: planning must not queue behind a lock on some table the migration does not touch.
  return schemaInfo(await introspectPostgres(conn, { schemas: [schema], printed: false }));
}
