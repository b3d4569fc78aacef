import { formatName, sibling, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkName, checkQualified, subject } from './validate.js';

/** `ALTER TABLE … RENAME TO`: the table stays in its schema. */
export interface RenameTableOperation extends OperationBase {
  kind: 'renameTable';
  table: QualifiedName;
  /** The new name, without schema. */
  to: string;
}

/**
 * Builds a `renameTable` operation.
 *
 * @example
 * renameTable('app.people', 'users')
 */
export function renameTable(table: TableRef, to: string): RenameTableOperation {
  return { kind: 'renameTable', table: toName(table), to };
}

/** `renameTable`: transformative (readers of the old name break); reversed by renaming back. */
export const renameTableDefinition: OperationDefinition<RenameTableOperation> = {
  kind: 'renameTable',
  validate(op) {
    const s = subject(op.kind, op.table);
    checkQualified(s, 'table', op.table);
    checkName(s, 'to', op.to);
  },
  classify: () => 'transformative',
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'renameTable', table: sibling(op.table, op.to), to: op.table.name }],
  describe: (op) => `rename table ${formatName(op.table)} to ${op.to}`,
};
