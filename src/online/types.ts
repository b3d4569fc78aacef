/**
 * The data an online migration is made of. Operations are plain, JSON-serialisable objects built by
 * the `op` builder (`opBuilder` in builder.ts); the plan computed from them at `start` is stored in the
 * state table so `complete` and `abort` work from exactly what `start` did, even after a crash.
 */

import type { AddColumnOperation } from '../operations/add-column.js';
import type { AddIndexOperation } from '../operations/add-index.js';
import type { AddUniqueOperation } from '../operations/add-unique.js';
import type { AlterColumnOperation } from '../operations/alter-column.js';
import type { DropColumnOperation } from '../operations/drop-column.js';
import type { DropTableOperation } from '../operations/drop-table.js';
import type { RenameColumnOperation } from '../operations/rename-column.js';
import type { RenameTableOperation } from '../operations/rename-table.js';
import type {
  ColumnDefinition,
  DefaultValue,
  OperationBase,
  QualifiedName,
  ReferentialAction,
  TableRef,
} from '../operations/types.js';
import type { PlannedStep } from './registry.js';

/**
 * A check an online `addColumn` or `alterColumn` gives its column. Named, so every step can tell
 * whether it exists; the builder gives it PostgreSQL's name (`users_age_check`) when the author
 * writes just the expression.
 */
export interface ColumnCheck {
  name: string;
  /** The boolean expression, over the column's (new) name. */
  expression: string;
}

/** A unique constraint an online `addColumn` or `alterColumn` gives its column (`users_email_key`). */
export interface ColumnUnique {
  name: string;
}

/**
 * A foreign key an online `addColumn` or `alterColumn` gives its column (`orders_user_id_fkey`
 * by default). `T` is the table reference type: {@link TableRef} when authored, {@link QualifiedName}
 * as data.
 */
export interface ColumnReferences<T = QualifiedName> {
  name: string;
  table: T;
  /** Referenced column; omitted means the referenced table's primary key. */
  column?: string;
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
}

/** The constraints an online column operation adds to its column, as data. */
export interface ColumnConstraints {
  check?: ColumnCheck;
  unique?: ColumnUnique;
  references?: ColumnReferences;
}

/**
 * How an author writes those constraints: the `createTable` column forms (`check: 'age >= 0'`,
 * `unique: true`, `references: { table: 'teams' }`), or with a name of their own
 * (`check: { name, expression }`, `unique: { name }`, `references: { name, table }`).
 */
export interface ColumnConstraintSpecs {
  check?: string | { name?: string; expression: string };
  unique?: boolean | { name?: string };
  references?: Omit<ColumnReferences<TableRef>, 'name'> & { name?: string };
}

/** The column an online `addColumn` adds: a column definition plus `up`. */
export interface OnlineColumn
  extends Pick<ColumnDefinition, 'name' | 'type' | 'nullable' | 'default'>,
    ColumnConstraints {
  /** Value for rows the old version writes, and for existing rows: SQL over the old version's columns. */
  up?: string;
}

/**
 * `addColumn` online: added under a temporary name the old version does not see, filled by `up`.
 *
 * @example
 * { kind: 'addColumn', table: { name: 'users' }, column: { name: 'full_name', type: 'text', up: "first_name || ' ' || last_name" } }
 */
export interface OnlineAddColumn extends Omit<AddColumnOperation, 'column' | 'allowRewrite'> {
  column: OnlineColumn;
}

/** `renameColumn` online: exactly the typed operation. */
export type OnlineRenameColumn = RenameColumnOperation;

/**
 * `alterColumn` online: the typed operation's `type`, `nullable` and `default` (`up` takes the place
 * of `using`), plus what the copy of the column needs: `up`, `down`, a new name (`to`) and
 * constraints.
 */
export interface OnlineAlterColumn
  extends Omit<AlterColumnOperation, 'using' | 'usingCast' | 'setNotNull'>,
    ColumnConstraints {
  /** New name of the column (same as a renameColumn, in the same operation). */
  to?: string;
  /** Old version → new column: SQL over the old version's columns. Defaults to the column itself. */
  up?: string;
  /** New version → old column: SQL over the new version's columns. Defaults to the column itself. */
  down?: string;
}

/** `dropColumn` online: the typed operation plus `down`. */
export interface OnlineDropColumn extends DropColumnOperation {
  /** Value the old column gets for rows the new version inserts: SQL over the new version's columns. */
  down?: string;
}

/** `renameTable` online: exactly the typed operation. */
export type OnlineRenameTable = RenameTableOperation;

/** `dropTable` online (never CASCADE: if something still depends on the table, `complete` says what). */
export type OnlineDropTable = Omit<DropTableOperation, 'ifExists' | 'cascade'>;

/** `addIndex` online: always built CONCURRENTLY, over column names (as the new version sees them). */
export interface OnlineAddIndex
  extends Omit<AddIndexOperation, 'columns' | 'definition' | 'include' | 'concurrently' | 'comment'> {
  columns: string[];
}

/** `addUnique` online: a unique index built CONCURRENTLY, attached as the constraint at `complete`. */
export type OnlineAddUnique = Omit<AddUniqueOperation, 'concurrently'>;

/**
 * A column of the table `replaceTable` creates. Unset `nullable` and `default` carry what the old
 * column of the same data has; `default: null` drops an old default.
 */
export interface ReplaceColumn extends Pick<ColumnDefinition, 'name' | 'type' | 'nullable' | 'identity'> {
  default?: DefaultValue | null;
}

/** `replaceTable`: blue-green swap to a new table (online only). */
export interface ReplaceTableOperation extends OperationBase {
  kind: 'replaceTable';
  table: QualifiedName;
  columns: ReplaceColumn[];
  primaryKey: string[];
  /** New column → SQL over the old table's row. Columns with the same name as an old one copy it by default. */
  copy?: Record<string, string>;
  /** Old column → SQL over the new table's row, for writes through the new version. Same-name columns by default. */
  reverse?: Record<string, string>;
  /**
   * Indexes, constraints, triggers and policies of the old table the new one does not get (the
   * rest is carried; one over a column the new table lacks must be listed here).
   */
  omit?: string[];
}

/**
 * Every operation an online migration can hold: the typed operations of the same names (see
 * `src/operations/`), with what running two versions at once needs, and `replaceTable`.
 */
export type OnlineOperation =
  | OnlineAddColumn
  | OnlineRenameColumn
  | OnlineAlterColumn
  | OnlineDropColumn
  | OnlineRenameTable
  | OnlineDropTable
  | OnlineAddIndex
  | OnlineAddUnique
  | ReplaceTableOperation;

/** The `kind` of an online operation. */
export type OnlineOperationKind = OnlineOperation['kind'];

/** The online operation of one kind. */
export type OnlineOperationOf<K extends OnlineOperationKind> = Extract<OnlineOperation, { kind: K }>;

/** A column as a version sees it: its name in that version and the physical column behind it. */
export interface ColumnMapping {
  name: string;
  physical: string;
}

/** A trigger assignment: `NEW.target := (expr)`. */
export interface Assignment {
  /** Physical column written. */
  target: string;
  /** Trusted SQL over the writing version's column names. */
  expr: string;
  /** `insert` applies the assignment to inserted rows only. */
  on: 'insert' | 'always';
  /** Which operation and expression it comes from, for error messages: `alterColumn users.age (up)`. */
  source?: string;
}

/** What one physical table looks like through both versions while the migration is active. */
export interface TablePlan {
  /** Physical table during the expand phase. */
  physical: string;
  /** Name in the old version, null for a table the migration creates. */
  oldName: string | null;
  /** Name in the new version, null for a table the migration drops. */
  newName: string | null;
  oldColumns: ColumnMapping[];
  newColumns: ColumnMapping[];
  primaryKey: string[];
  /** Applied when the old version writes. */
  up: Assignment[];
  /** Applied when the new version writes. */
  down: Assignment[];
  /** Temporary physical columns created by this migration (dropped on abort). */
  tempColumns: string[];
  /** SQL type of each temporary column (to check `down` expressions before they exist). */
  tempTypes?: Record<string, string>;
  /** Physical columns touched by an operation (one operation per column). */
  touched: string[];
}

/** Everything `start` decided, stored as JSON so `complete` and `abort` repeat no decisions. */
export interface OnlinePlan {
  /** `PLAN_FORMAT` of the sluice that made it (absent before the operations took the typed words). */
  format?: number;
  /** The physical schema the tables live in. */
  schema: string;
  /** Version schema of this migration. */
  newSchema: string;
  /** Version schema of the previous version. */
  oldSchema: string;
  /** True when `start` created `oldSchema` (so `abort` removes it again). */
  createdOldSchema: boolean;
  /** True when the server supports `security_invoker` views (PostgreSQL 15+). */
  securityInvoker: boolean;
  tables: TablePlan[];
  /** The operations in order, each with what planning resolved for it (physical names, temp names). */
  steps: PlannedStep[];
}

/**
 * What the runner hands to {@link startOnline}, `completeOnline` and `abortOnline`.
 *
 * @example
 * await startOnline({ conn, version: '20240101120000', name: 'split_name', definition, lockTimeoutMs: 2000, lockRetries: 10 });
 */
export interface OnlineContext {
  /** A session not inside a transaction, used by nothing else meanwhile. */
  conn: import('../dialects/dialect.js').Connection;
  version: string;
  name: string;
  definition: import('../migrations/types.js').MigrationDefinition;
  /** `lock_timeout` of every statement that takes a strong lock. */
  lockTimeoutMs: number;
  /** Retries (with backoff and jitter) when such a lock is not had in time. */
  lockRetries: number;
  /** Retries stop once this much time has passed (ms; default 2 minutes). */
  lockRetryBudgetMs?: number;
  onEvent?: (e: { type: string; message: string; progress?: unknown }) => void;
  /** Stops between steps and between backfill batches; running the command again resumes. */
  signal?: AbortSignal;
  /** Schema of the tables the operations name. Default `public`. */
  schema?: string;
  /** Pacing of the backfills (batch sizes, target batch time, pauses, yielding); the engine's defaults otherwise. */
  backfillOptions?: import('./backfill/types.js').BackfillPacing;
}
