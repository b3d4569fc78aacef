/**
 * What the linter has learnt about the schema from the migrations it has read: column types and
 * CHECK (col IS NOT NULL) constraints. `lintPaths` carries one model across files in order, so a
 * later migration's `ALTER COLUMN TYPE` can be judged against the type an earlier one created.
 */
import type { TypeInfo } from './ast.js';
import { tableKey } from './ast.js';

interface TableModel {
  columns: Map<string, TypeInfo>;
  /** CHECK constraints of the form `col IS NOT NULL`, by constraint name. */
  notNullChecks: Map<string, { column: string; validated: boolean }>;
}

/** While a table created by a migration existed under one name: from one event to another. */
interface CreatedSpan {
  from: number;
  to?: number;
}

/**
 * A schema learnt from migrations.
 *
 * @example
 * const schema = new SchemaModel(); await lintStatements(a, ctxA, { schema }); await lintStatements(b, ctxB, { schema });
 */
export class SchemaModel {
  private readonly tables = new Map<string, TableModel>();
  /**
   * Tables a migration the model has read created (not seeded from a live database), by key: the
   * spans of events during which each existed under that key. A rename ends one span and starts
   * another; a drop ends it. {@link createdAt} asks about any earlier moment in constant time.
   */
  private readonly created = new Map<string, CreatedSpan[]>();
  private events = 0;

  private table(name: string, create = false): TableModel | undefined {
    const key = tableKey(name);
    let t = this.tables.get(key);
    if (!t && create) {
      t = { columns: new Map(), notNullChecks: new Map() };
      this.tables.set(key, t);
    }
    return t;
  }

  /** The type of a column, when a migration declared it. */
  columnType(table: string, column: string): TypeInfo | undefined {
    return this.table(table)?.columns.get(column);
  }

  /** Records that a migration created the table (a rename keeps the mark, a drop removes it). */
  markCreated(table: string): void {
    this.table(table, true);
    this.openSpan(tableKey(table), ++this.events);
  }

  /** The moment the model has reached, for {@link createdAt}. */
  moment(): number {
    return this.events;
  }

  /**
   * True when, at `moment`, the table (by {@link tableKey}) existed and a migration read into this
   * model had created it. `up` asks this of every unit about the moment before it; listing the
   * created tables anew for each unit made a long run quadratic.
   */
  createdAt(key: string, moment: number): boolean {
    return (this.created.get(key) ?? []).some(
      (s) => s.from <= moment && (s.to === undefined || s.to > moment),
    );
  }

  private openSpan(key: string, at: number): void {
    const spans = this.created.get(key);
    if (spans) spans.push({ from: at });
    else this.created.set(key, [{ from: at }]);
  }

  /** Ends the key's open span; true when there was one (the table had been created by a migration). */
  private closeSpan(key: string, at: number): boolean {
    const open = this.created.get(key)?.find((s) => s.to === undefined);
    if (open) open.to = at;
    return open !== undefined;
  }

  setColumn(table: string, column: string, type: TypeInfo): void {
    this.table(table, true)?.columns.set(column, type);
  }

  dropColumn(table: string, column: string): void {
    this.table(table)?.columns.delete(column);
  }

  renameColumn(table: string, from: string, to: string): void {
    const t = this.table(table);
    const type = t?.columns.get(from);
    if (t && type) {
      t.columns.delete(from);
      t.columns.set(to, type);
    }
  }

  /** True when the model knows the table (from a migration or the live schema). */
  hasTable(table: string): boolean {
    return this.tables.has(tableKey(table));
  }

  dropTable(table: string): void {
    this.tables.delete(tableKey(table));
    this.closeSpan(tableKey(table), ++this.events);
  }

  renameTable(from: string, to: string): void {
    const t = this.tables.get(tableKey(from));
    if (!t) return;
    this.tables.delete(tableKey(from));
    this.tables.set(tableKey(to), t);
    const at = ++this.events;
    if (this.closeSpan(tableKey(from), at)) this.openSpan(tableKey(to), at);
  }

  addNotNullCheck(table: string, name: string, column: string, validated: boolean): void {
    this.table(table, true)?.notNullChecks.set(name, { column, validated });
  }

  validateConstraint(table: string, name: string): void {
    const c = this.table(table)?.notNullChecks.get(name);
    if (c) c.validated = true;
  }

  dropConstraint(table: string, name: string): void {
    this.table(table)?.notNullChecks.delete(name);
  }

  /** True when a validated CHECK (column IS NOT NULL) is known on the table. */
  hasValidatedNotNullCheck(table: string, column: string): boolean {
    for (const c of this.table(table)?.notNullChecks.values() ?? []) {
      if (c.column === column && c.validated) return true;
    }
    return false;
  }
}
