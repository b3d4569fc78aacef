import { checkReferences } from './column-definition.js';
import { defaultName, formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, References, TableRef } from './types.js';
import { checkName, checkNames, checkOneOf, checkQualified, subject } from './validate.js';

/**
 * How a new constraint is checked against existing rows:
 * - `'separate'` (default): added `NOT VALID` (a brief lock), then `VALIDATE CONSTRAINT` in its own
 *   statement, outside the migration's transaction, which scans without blocking writes;
 * - `'immediate'`: one statement that checks every row while holding the lock;
 * - `'never'`: left `NOT VALID` (only new writes are checked) for a later migration to validate.
 * On a table created in the same migration the constraint is added plainly.
 */
export type ValidateMode = 'separate' | 'immediate' | 'never';

/** Allowed {@link ValidateMode} values. */
export const VALIDATE_MODES: readonly ValidateMode[] = ['separate', 'immediate', 'never'];

/** `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`. */
export interface AddForeignKeyOperation extends OperationBase {
  kind: 'addForeignKey';
  table: QualifiedName;
  name: string;
  columns: string[];
  references: References;
  validate?: ValidateMode;
}

/** Options of `db.addForeignKey`. */
export interface AddForeignKeyOptions {
  references: References<TableRef>;
  name?: string;
  validate?: ValidateMode;
}

/**
 * Builds an `addForeignKey` operation; the default name is PostgreSQL's (`orders_user_id_fkey`), at
 * most `maxNameBytes` long (the dialect's `maxIdentifierLength`).
 *
 * @example
 * addForeignKey('orders', 'user_id', { references: { table: 'users', columns: ['id'], onDelete: 'cascade' } }, 63)
 */
export function addForeignKey(
  table: TableRef,
  columns: string | string[],
  options: AddForeignKeyOptions,
  maxNameBytes: number,
): AddForeignKeyOperation {
  const t = toName(table);
  const cols = typeof columns === 'string' ? [columns] : columns;
  const { references, name, ...rest } = options ?? ({} as AddForeignKeyOptions);
  return {
    kind: 'addForeignKey',
    table: t,
    name: name ?? defaultName(t.name, Array.isArray(cols) ? cols : [], 'fkey', maxNameBytes),
    columns: cols,
    // `&&` keeps a missing target missing, for validate() to report in JavaScript migrations.
    references: references && { ...references, table: toName(references.table) },
    ...rest,
  };
}

/** `addForeignKey`: transformative (it can reject writes); reversed by dropping the constraint. */
export const addForeignKeyDefinition: OperationDefinition<AddForeignKeyOperation> = {
  kind: 'addForeignKey',
  validate(op) {
    const s = subject(op.kind, op.table, op.name);
    checkQualified(s, 'table', op.table);
    checkName(s, 'name', op.name);
    checkNames(s, 'columns', op.columns);
    checkReferences(s, 'references', op.references, op.columns.length);
    checkOneOf(s, 'validate', op.validate, VALIDATE_MODES);
  },
  classify: () => 'transformative',
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'dropConstraint', table: op.table, name: op.name }],
  describe: (op) =>
    `add foreign key ${op.name} on ${formatName(op.table)} → ${formatName(op.references.table)}`,
};
