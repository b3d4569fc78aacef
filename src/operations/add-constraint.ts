import { VALIDATE_MODES, type ValidateMode } from './add-foreign-key.js';
import type { CapturedConstraint } from './captured.js';
import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkBoolean, checkName, checkOneOf, checkQualified, checkSql, subject } from './validate.js';

/**
 * `ALTER TABLE … ADD CONSTRAINT <name> <definition>` with a definition as PostgreSQL prints it. The
 * reverse of a dropped constraint uses it; authors may too. The same safe defaults apply as for the
 * typed operations: checks and foreign keys are validated separately, and a unique or primary key
 * with a known `index` is built concurrently, then attached with `USING INDEX`.
 *
 * A primary key also makes its columns NOT NULL; dropping it (the reverse) leaves them NOT NULL.
 */
export interface AddConstraintOperation extends OperationBase {
  kind: 'addConstraint';
  table: QualifiedName;
  name: string;
  type: CapturedConstraint['type'];
  /** `CHECK ((price > 0))`, `FOREIGN KEY (user_id) REFERENCES users(id)`, `UNIQUE (email)` … */
  definition: string;
  /** The referenced table of a foreign key (for lock metadata). */
  references?: QualifiedName;
  /** Unique / primary key: the backing index definition after `ON <table>` (`USING btree (email)`). */
  index?: string;
  /** The definition says `DEFERRABLE`: attached as written, not through `USING INDEX`. */
  deferrable?: boolean;
  validate?: ValidateMode;
  /** Unique / primary key with `index`: `false` builds the index inside `ALTER TABLE`. */
  concurrently?: boolean;
}

/** Options of `db.addConstraint`. */
export type AddConstraintOptions = Partial<
  Pick<AddConstraintOperation, 'index' | 'deferrable' | 'validate' | 'concurrently'>
> & { type: AddConstraintOperation['type']; references?: TableRef };

/** Constraint types. */
export const CONSTRAINT_TYPES: readonly AddConstraintOperation['type'][] = [
  'check',
  'foreignKey',
  'unique',
  'primaryKey',
  'exclusion',
];

/**
 * Builds an `addConstraint` operation.
 *
 * @example
 * addConstraint('bookings', 'no_overlap', 'EXCLUDE USING gist (room WITH =, during WITH &&)', { type: 'exclusion' })
 */
export function addConstraint(
  table: TableRef,
  name: string,
  definition: string,
  options: AddConstraintOptions,
): AddConstraintOperation {
  const { references, ...rest } = options ?? ({} as AddConstraintOptions);
  const op: AddConstraintOperation = {
    kind: 'addConstraint',
    table: toName(table),
    name,
    definition,
    ...rest,
  };
  if (references !== undefined) op.references = toName(references);
  return op;
}

/** `addConstraint`: transformative; reversed by dropping the constraint. */
export const addConstraintDefinition: OperationDefinition<AddConstraintOperation> = {
  kind: 'addConstraint',
  validate(op) {
    const s = subject(op.kind, op.table, op.name);
    checkQualified(s, 'table', op.table);
    checkName(s, 'name', op.name);
    checkOneOf(s, 'type', op.type ?? null, CONSTRAINT_TYPES);
    checkSql(s, 'definition', op.definition, "'CHECK (price > 0)'");
    if (op.references !== undefined) checkQualified(s, 'references', op.references);
    if (op.index !== undefined) checkSql(s, 'index', op.index, "'USING btree (email)'");
    checkBoolean(s, 'deferrable', op.deferrable);
    checkOneOf(s, 'validate', op.validate, VALIDATE_MODES);
    checkBoolean(s, 'concurrently', op.concurrently);
  },
  classify: () => 'transformative',
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'dropConstraint', table: op.table, name: op.name }],
  describe: (op) => `add constraint ${op.name} on ${formatName(op.table)}`,
};
