/**
 * Typed operations: schema changes described as data. A TypeScript migration records them through
 * `db.addColumn(...)` and friends (see `builder.ts`); a dialect compiles each one to SQL with a pure
 * function; `reverse()` derives the automatic `down`.
 *
 * Names: the author may write a table as `'users'`, `'app.users'` or `{ schema: 'app', name: 'users' }`
 * ({@link TableRef}). Operation data always holds the normalized {@link QualifiedName}, so compilers,
 * reversers and the history never parse strings. A name containing a dot must use the object form.
 */

import type { AddCheckOperation } from './add-check.js';
import type { AddColumnOperation } from './add-column.js';
import type { AddConstraintOperation } from './add-constraint.js';
import type { AddEnumValueOperation } from './add-enum-value.js';
import type { AddForeignKeyOperation } from './add-foreign-key.js';
import type { AddIndexOperation } from './add-index.js';
import type { AddUniqueOperation } from './add-unique.js';
import type { AlterColumnOperation } from './alter-column.js';
import type { Captured } from './captured.js';
import type { CreateEnumOperation } from './create-enum.js';
import type { CreateTableOperation } from './create-table.js';
import type { CreateViewOperation } from './create-view.js';
import type { DropColumnOperation } from './drop-column.js';
import type { DropConstraintOperation } from './drop-constraint.js';
import type { DropEnumOperation } from './drop-enum.js';
import type { DropIndexOperation } from './drop-index.js';
import type { DropTableOperation } from './drop-table.js';
import type { DropViewOperation } from './drop-view.js';
import type { RenameColumnOperation } from './rename-column.js';
import type { RenameTableOperation } from './rename-table.js';
import type { SqlOperation } from './sql.js';

/**
 * What an operation does to the people using the schema:
 * - `additive`: adds something; existing readers and writers are unaffected.
 * - `destructive`: removes something; data or objects are lost.
 * - `transformative`: changes something existing (rename, type, constraint); readers or writers may break.
 * - `data`: changes rows, not the schema (raw SQL counts as data unless it says otherwise).
 */
export type OperationClass = 'additive' | 'destructive' | 'transformative' | 'data';

/** A schema-qualified name; `schema` omitted means "resolved through search_path". */
export interface QualifiedName {
  schema?: string;
  name: string;
}

/**
 * How an author names a table, view or type: `'users'`, `'app.users'` (split at the first dot), or
 * `{ schema: 'app', name: 'users' }`.
 */
export type TableRef = string | QualifiedName;

/** `ON DELETE` / `ON UPDATE` action of a foreign key. */
export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

/**
 * A column default. Strings, numbers and booleans are literals (`'n/a'`, `0`, `true`); `{ sql }` is an
 * expression written by the author (`{ sql: 'now()' }`). Mark an expression `volatile: true` when it
 * gives a different value per row (well-known volatile functions such as `gen_random_uuid()` are
 * detected), because adding such a default to an existing table rewrites it.
 */
export type DefaultValue = string | number | boolean | { sql: string; volatile?: boolean };

/** A foreign key target. */
export interface References<T = QualifiedName> {
  table: T;
  /** Referenced columns; omitted means the referenced table's primary key. */
  columns?: string[];
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
}

/**
 * A column. `T` is the table reference type: {@link TableRef} when authored, {@link QualifiedName} as data.
 *
 * @example
 * { name: 'email', type: 'varchar(255)', nullable: false, default: '' }
 */
export interface ColumnDefinition<T = QualifiedName> {
  name: string;
  /** SQL type as written by the author: `'text'`, `'varchar(255)'`, `'numeric(10,2)'`, `'bigserial'`. */
  type: string;
  /** Default true, like SQL. */
  nullable?: boolean;
  default?: DefaultValue;
  /** `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`. */
  identity?: 'always' | 'by default';
  /** `GENERATED ALWAYS AS (<expression>) STORED`. */
  generated?: string;
  /** Collation name, e.g. `'C'`. */
  collation?: string;
  comment?: string;
  /** Inline constraints: only in `createTable` (on an existing table use the dedicated operations). */
  primaryKey?: boolean;
  unique?: boolean;
  check?: string;
  references?: { table: T; column?: string; onDelete?: ReferentialAction; onUpdate?: ReferentialAction };
}

/** A table constraint in `createTable`. `raw` carries a definition as PostgreSQL prints it. */
export type TableConstraint<T = QualifiedName> =
  | { type: 'check'; name?: string; expression: string }
  | { type: 'unique'; name?: string; columns: string[] }
  | { type: 'primaryKey'; name?: string; columns: string[] }
  | { type: 'foreignKey'; name?: string; columns: string[]; references: References<T> }
  | { type: 'raw'; name: string; definition: string; references?: T };

/** Every operation kind, as data. */
export type Operation =
  | CreateTableOperation
  | DropTableOperation
  | RenameTableOperation
  | AddColumnOperation
  | DropColumnOperation
  | RenameColumnOperation
  | AlterColumnOperation
  | AddIndexOperation
  | DropIndexOperation
  | AddForeignKeyOperation
  | AddCheckOperation
  | AddUniqueOperation
  | AddConstraintOperation
  | DropConstraintOperation
  | CreateEnumOperation
  | DropEnumOperation
  | AddEnumValueOperation
  | CreateViewOperation
  | DropViewOperation
  | SqlOperation;

/** The `kind` tag of an operation. */
export type OperationKind = Operation['kind'];

/** The operation type of one kind. */
export type OperationOf<K extends OperationKind> = Extract<Operation, { kind: K }>;

/**
 * Everything sluice knows about one operation kind, dialect-independent. The registry holds one per
 * kind; compilers live in the dialects.
 */
export interface OperationDefinition<O extends Operation> {
  readonly kind: O['kind'];
  /** Throws `MigrationFileError` naming the operation and the bad option. */
  validate(op: O): void;
  classify(op: O): OperationClass;
  /**
   * Whether the live definition of the object must be captured before the operation runs, so that
   * `reverse` can rebuild it (drops, and alterations that forget the old state).
   */
  needsCapture(op: O): boolean;
  /** Whether `reverse` can succeed (given the capture when {@link needsCapture} says so). */
  isReversible(op: O): boolean;
  /** The operations that undo `op`, in order; null when it cannot be undone. */
  reverse(op: O, captured?: Captured | null): Operation[] | null;
  /** One line for plans and errors: `add column users.email`. */
  describe(op: O): string;
}

/**
 * Fields every operation may carry. `note` is for plans: the reverse of a drop uses it to say that
 * the data is not restored.
 */
export interface OperationBase {
  note?: string;
}
