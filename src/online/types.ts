/**
 * The data an online migration is made of. Operations are plain, JSON-serialisable objects built by
 * the `op` builder ({@link createOpBuilder}); the plan computed from them at `start` is stored in the
 * state table so `complete` and `abort` work from exactly what `start` did, even after a crash.
 */

/** A column of a table created by `replaceTable`. */
export interface ColumnSpec {
  name: string;
  /** SQL type, e.g. `text`, `bigint`, `numeric(10,2)` (trusted text from the migration author). */
  type: string;
  /**
   * Column default as SQL text. In `replaceTable`, `null` drops the default the old column had (it
   * is carried otherwise).
   */
  default?: string | null;
  /** In `replaceTable`: make it an identity column (an old identity column stays one without this). */
  identity?: 'always' | 'by default';
  /** In `replaceTable`, unset means as the old column of the same data (NOT NULL carried). */
  notNull?: boolean;
}

/** A foreign key on one column. */
export interface ReferencesSpec {
  /** Constraint name. */
  name: string;
  table: string;
  column: string;
  onDelete?: 'CASCADE' | 'SET NULL' | 'RESTRICT' | 'NO ACTION' | 'SET DEFAULT';
}

export interface AddColumnOp {
  kind: 'addColumn';
  table: string;
  column: ColumnSpec & {
    /** Value for rows written by the old version (and existing rows): SQL over the old version's columns. */
    up?: string;
    check?: { name: string; expr: string };
    unique?: { name: string };
    references?: ReferencesSpec;
  };
}

export interface RenameColumnOp {
  kind: 'renameColumn';
  table: string;
  from: string;
  to: string;
}

export interface AlterColumnChanges {
  /** New name (same as a renameColumn). */
  name?: string;
  type?: string;
  /** New default as SQL text; `null` drops it. */
  default?: string | null;
  /** `true` adds NOT NULL, `false` drops it. */
  notNull?: boolean;
  check?: { name: string; expr: string };
  unique?: { name: string };
  references?: ReferencesSpec;
  /** Old version → new column: SQL over the old version's columns. Defaults to the column itself. */
  up?: string;
  /** New version → old column: SQL over the new version's columns. Defaults to the column itself. */
  down?: string;
}

export interface AlterColumnOp {
  kind: 'alterColumn';
  table: string;
  column: string;
  changes: AlterColumnChanges;
}

export interface DropColumnOp {
  kind: 'dropColumn';
  table: string;
  column: string;
  /** Value the old column gets for rows inserted by the new version: SQL over the new version's columns. */
  down?: string;
}

export interface RenameTableOp {
  kind: 'renameTable';
  from: string;
  to: string;
}

export interface DropTableOp {
  kind: 'dropTable';
  table: string;
}

export interface CreateIndexOp {
  kind: 'createIndex';
  table: string;
  name: string;
  columns: string[];
  unique?: boolean;
  /** Index method, e.g. `btree`, `gin`. */
  method?: string;
  /** Partial index predicate (trusted SQL over the physical columns). */
  where?: string;
}

export interface AddUniqueOp {
  kind: 'addUnique';
  table: string;
  name: string;
  columns: string[];
}

export interface ReplaceTableOp {
  kind: 'replaceTable';
  table: string;
  columns: ColumnSpec[];
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

/** Every operation an online migration can hold. */
export type OnlineOperation =
  | AddColumnOp
  | RenameColumnOp
  | AlterColumnOp
  | DropColumnOp
  | RenameTableOp
  | DropTableOp
  | CreateIndexOp
  | AddUniqueOp
  | ReplaceTableOp;

export type OperationKind = OnlineOperation['kind'];

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

/** One operation and the physical names planning chose for it. */
export interface PlannedStep {
  op: OnlineOperation;
  resolved: Record<string, unknown>;
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
