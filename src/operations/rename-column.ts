import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkName, checkQualified, invalid, subject } from './validate.js';

/** `ALTER TABLE … RENAME COLUMN`. */
export interface RenameColumnOperation extends OperationBase {
  kind: 'renameColumn';
  table: QualifiedName;
  column: string;
  to: string;
}

/**
 * Builds a `renameColumn` operation.
 *
 * @example
 * renameColumn('users', 'mail', 'email')
 */
export function renameColumn(table: TableRef, column: string, to: string): RenameColumnOperation {
  return { kind: 'renameColumn', table: toName(table), column, to };
}

/** `renameColumn`: transformative; reversed by renaming back. */
export const renameColumnDefinition: OperationDefinition<RenameColumnOperation> = {
  kind: 'renameColumn',
  validate(op) {
    const s = subject(op.kind, op.table, op.column);
    checkQualified(s, 'table', op.table);
    checkName(s, 'column', op.column);
    checkName(s, 'to', op.to);
    if (op.to === op.column) invalid(s, 'to', 'is the current name');
  },
  classify: () => 'transformative',
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'renameColumn', table: op.table, column: op.to, to: op.column }],
  describe: (op) => `rename column ${formatName(op.table)}.${op.column} to ${op.to}`,
};
