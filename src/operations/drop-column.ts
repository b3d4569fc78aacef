import { DATA_NOT_RESTORED } from './captured.js';
import { columnFromCapture, restoreOperations } from './column-definition.js';
import { formatName, toName } from './names.js';
import type { Operation, OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkName, checkQualified, subject } from './validate.js';

/**
 * `ALTER TABLE … DROP COLUMN`. PostgreSQL drops the indexes and constraints on the column with it;
 * the capture keeps them, so the reverse re-creates them too.
 */
export interface DropColumnOperation extends OperationBase {
  kind: 'dropColumn';
  table: QualifiedName;
  column: string;
}

/**
 * Builds a `dropColumn` operation.
 *
 * @example
 * dropColumn('users', 'legacy_flag')
 */
export function dropColumn(table: TableRef, column: string): DropColumnOperation {
  return { kind: 'dropColumn', table: toName(table), column };
}

/** `dropColumn`: destructive; reversed from the captured column, its constraints and indexes. */
export const dropColumnDefinition: OperationDefinition<DropColumnOperation> = {
  kind: 'dropColumn',
  validate(op) {
    const s = subject(op.kind, op.table, op.column);
    checkQualified(s, 'table', op.table);
    checkName(s, 'column', op.column);
  },
  classify: () => 'destructive',
  needsCapture: () => true,
  isReversible: () => true,
  reverse(op, captured) {
    if (captured?.kind !== 'column') return null;
    const col = captured.column;
    let note = `${formatName(op.table)}.${op.column}: ${DATA_NOT_RESTORED}; the column is added last`;
    if (!col.nullable && col.default === null && col.identity === null && col.generated === null) {
      note += ' (NOT NULL without a default: this fails if the table has rows)';
    }
    const def = columnFromCapture(col);
    const ops: Operation[] = [];
    if (col.nullable && def.default !== undefined) {
      // Existing rows get NULL rather than the default: a default copied into every row would break
      // a unique or check constraint being restored, and NULL is what "not restored" looks like.
      const { default: value, ...bare } = def;
      ops.push({ kind: 'addColumn', table: op.table, column: bare, note: `${note}; existing rows get NULL` });
      ops.push({ kind: 'alterColumn', table: op.table, column: col.name, default: value });
    } else {
      // Re-creating exactly matters more than avoiding a rewrite here: a volatile default is kept.
      ops.push({ kind: 'addColumn', table: op.table, column: def, allowRewrite: true, note });
    }
    ops.push(...restoreOperations(op.table, captured.constraints, captured.indexes, note));
    return ops;
  },
  describe: (op) => `drop column ${formatName(op.table)}.${op.column}`,
};
