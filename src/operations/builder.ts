/**
 * The operation methods a TypeScript migration calls on `db` (`db.addColumn(...)`). Each call
 * validates and records an {@link Operation}, then hands it to the runner's executor, in call order.
 * The recorded list is what the automatic `down` is derived from.
 */
import { type SqlFragment, sql as sqlTag } from '../sql/tag.js';
import { addCheck } from './add-check.js';
import { type AddColumnOptions, addColumn } from './add-column.js';
import { type AddConstraintOptions, addConstraint } from './add-constraint.js';
import { type AddEnumValueOptions, addEnumValue } from './add-enum-value.js';
import { type AddForeignKeyOptions, addForeignKey, type ValidateMode } from './add-foreign-key.js';
import { type AddIndexOptions, addIndex, type IndexColumn } from './add-index.js';
import { addUnique } from './add-unique.js';
import { type AlterColumnChanges, alterColumn } from './alter-column.js';
import type { ColumnSpec } from './column-definition.js';
import { createEnum } from './create-enum.js';
import { type CreateTableOptions, createTable } from './create-table.js';
import { type CreateViewOptions, createView } from './create-view.js';
import { dropColumn } from './drop-column.js';
import { dropConstraint } from './drop-constraint.js';
import { dropEnum } from './drop-enum.js';
import { type DropIndexOptions, dropIndex } from './drop-index.js';
import { type DropTableOptions, dropTable } from './drop-table.js';
import { dropView } from './drop-view.js';
import { validateOperation } from './registry.js';
import { renameColumn } from './rename-column.js';
import { renameTable } from './rename-table.js';
import { type SqlOptions, sqlOperation } from './sql.js';
import type { ColumnDefinition, Operation, TableRef } from './types.js';

/** The typed operations available on `db` in `up(db)`. Every method resolves once the change is applied. */
export interface OperationMethods {
  /** @example await db.createTable('users', { id: { type: 'bigint', identity: 'always', primaryKey: true }, email: 'text' }) */
  createTable(
    table: TableRef,
    columns: Record<string, ColumnSpec> | ColumnDefinition<TableRef>[],
    options?: CreateTableOptions,
  ): Promise<void>;
  /** @example await db.dropTable('legacy_events') */
  dropTable(table: TableRef, options?: DropTableOptions): Promise<void>;
  /** @example await db.renameTable('people', 'users') */
  renameTable(table: TableRef, to: string): Promise<void>;
  /** @example await db.addColumn('users', 'email_address', { type: 'varchar(255)', nullable: true }) */
  addColumn(table: TableRef, column: string, spec: ColumnSpec & AddColumnOptions): Promise<void>;
  /** @example await db.dropColumn('users', 'legacy_flag') */
  dropColumn(table: TableRef, column: string): Promise<void>;
  /** @example await db.renameColumn('users', 'mail', 'email') */
  renameColumn(table: TableRef, column: string, to: string): Promise<void>;
  /** @example await db.alterColumn('users', 'age', { type: 'integer', using: 'age::integer' }) */
  alterColumn(table: TableRef, column: string, changes: AlterColumnChanges): Promise<void>;
  /** @example await db.addIndex('users', ['email'], { unique: true }) */
  addIndex(table: TableRef, columns: string | IndexColumn[], options?: AddIndexOptions): Promise<void>;
  /** @example await db.dropIndex('users', 'users_email_idx') */
  dropIndex(table: TableRef, name: string, options?: DropIndexOptions): Promise<void>;
  /** @example await db.addForeignKey('orders', 'user_id', { references: { table: 'users', columns: ['id'] } }) */
  addForeignKey(table: TableRef, columns: string | string[], options: AddForeignKeyOptions): Promise<void>;
  /** @example await db.addCheck('products', 'products_price_positive', 'price > 0') */
  addCheck(
    table: TableRef,
    name: string,
    expression: string,
    options?: { validate?: ValidateMode },
  ): Promise<void>;
  /** @example await db.addUnique('users', ['email']) */
  addUnique(
    table: TableRef,
    columns: string | string[],
    options?: { name?: string; concurrently?: boolean },
  ): Promise<void>;
  /** @example await db.addConstraint('t', 'no_overlap', 'EXCLUDE USING gist (r WITH &&)', { type: 'exclusion' }) */
  addConstraint(
    table: TableRef,
    name: string,
    definition: string,
    options: AddConstraintOptions,
  ): Promise<void>;
  /** @example await db.dropConstraint('orders', 'orders_user_id_fkey') */
  dropConstraint(table: TableRef, name: string, options?: { ifExists?: boolean }): Promise<void>;
  /** @example await db.createEnum('mood', ['sad', 'ok', 'happy']) */
  createEnum(type: TableRef, values: string[]): Promise<void>;
  /** @example await db.dropEnum('mood') */
  dropEnum(type: TableRef, options?: { ifExists?: boolean }): Promise<void>;
  /** @example await db.addEnumValue('mood', 'ecstatic', { after: 'happy' }) */
  addEnumValue(type: TableRef, value: string, options?: AddEnumValueOptions): Promise<void>;
  /** @example await db.createView('active_users', 'SELECT * FROM users WHERE deleted_at IS NULL') */
  createView(view: TableRef, query: string, options?: CreateViewOptions): Promise<void>;
  /** @example await db.dropView('active_users') */
  dropView(view: TableRef, options?: { ifExists?: boolean; cascade?: boolean }): Promise<void>;
  /**
   * Raw SQL as an operation. The tagged form binds values and resolves to the rows; the text form
   * takes a `down` that makes it reversible.
   *
   * @example
   * const rows = await db.sql`SELECT count(*) FROM ${db.ident('users')}`;
   * await db.sql('CREATE EXTENSION IF NOT EXISTS pg_trgm', { down: 'DROP EXTENSION pg_trgm', class: 'additive' });
   */
  sql<R = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<R[]>;
  sql(statement: string | SqlFragment, options?: SqlOptions): Promise<void>;
}

/** Applies one operation (compile + execute); for `sql` it resolves to the rows returned. */
export type OperationExecutor = (op: Operation) => Promise<unknown>;

/** A recorder: the methods to mix into `db`, and what they recorded. */
export interface OperationRecorder {
  readonly db: OperationMethods;
  /** The operations applied so far, in order (an operation whose execution failed is not included). */
  readonly operations: readonly Operation[];
  /** Resolves when every call made so far has finished; rejects with the first failure. */
  settled(): Promise<void>;
}

const isTemplate = (x: unknown): x is TemplateStringsArray => Array.isArray(x) && Object.hasOwn(x, 'raw');

/**
 * Creates a recorder. Without an executor (plan, dry run) operations are only recorded and `sql`
 * resolves to no rows. Default index and constraint names are kept within `maxNameBytes` (the
 * dialect's `maxIdentifierLength`).
 *
 * @example
 * const rec = createOperationRecorder(63, async (op) => runStatements(compileOperation(op, ctx)));
 * await definition.up({ ...migrationDb, ...rec.db });
 * history.store(rec.operations);
 */
export function createOperationRecorder(
  maxNameBytes: number,
  execute?: OperationExecutor,
): OperationRecorder {
  const operations: Operation[] = [];
  // Calls run in call order even when the author forgets an `await`.
  let last: Promise<unknown> = Promise.resolve();
  const record = (build: () => Operation): Promise<unknown> => {
    let op: Operation;
    try {
      op = build();
      validateOperation(op);
    } catch (error) {
      // A bad call rejects like a failed one, so `await db.x(...)` and `.catch` both see it.
      return Promise.reject(error);
    }
    const run = last.then(async () => {
      const result = execute === undefined ? (op.kind === 'sql' ? [] : undefined) : await execute(op);
      operations.push(op);
      return result;
    });
    last = run;
    return run;
  };
  const done = (build: () => Operation) => record(build).then(() => undefined);
  const db: OperationMethods = {
    createTable: (table, columns, options) => done(() => createTable(table, columns, options)),
    dropTable: (table, options) => done(() => dropTable(table, options)),
    renameTable: (table, to) => done(() => renameTable(table, to)),
    addColumn: (table, column, spec) => done(() => addColumn(table, column, spec)),
    dropColumn: (table, column) => done(() => dropColumn(table, column)),
    renameColumn: (table, column, to) => done(() => renameColumn(table, column, to)),
    alterColumn: (table, column, changes) => done(() => alterColumn(table, column, changes)),
    addIndex: (table, columns, options) => done(() => addIndex(table, columns, options ?? {}, maxNameBytes)),
    dropIndex: (table, name, options) => done(() => dropIndex(table, name, options)),
    addForeignKey: (table, columns, options) =>
      done(() => addForeignKey(table, columns, options, maxNameBytes)),
    addCheck: (table, name, expression, options) => done(() => addCheck(table, name, expression, options)),
    addUnique: (table, columns, options) =>
      done(() => addUnique(table, columns, options ?? {}, maxNameBytes)),
    addConstraint: (table, name, definition, options) =>
      done(() => addConstraint(table, name, definition, options)),
    dropConstraint: (table, name, options) => done(() => dropConstraint(table, name, options)),
    createEnum: (type, values) => done(() => createEnum(type, values)),
    dropEnum: (type, options) => done(() => dropEnum(type, options)),
    addEnumValue: (type, value, options) => done(() => addEnumValue(type, value, options)),
    createView: (view, query, options) => done(() => createView(view, query, options)),
    dropView: (view, options) => done(() => dropView(view, options)),
    sql: ((first: TemplateStringsArray | string | SqlFragment, ...rest: unknown[]) => {
      if (isTemplate(first)) return record(() => sqlOperation(sqlTag(first, ...rest)));
      return done(() => sqlOperation(first, rest[0] as SqlOptions | undefined));
    }) as OperationMethods['sql'],
  };
  return {
    db,
    operations,
    settled: () => last.then(() => undefined),
  };
}
