import { dropCapture } from './captured.js';
import { indexFromCapture } from './column-definition.js';
import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkBoolean, checkName, checkQualified, subject } from './validate.js';

/**
 * `DROP INDEX`. The table is named so that the lock is known and the index is looked up in the
 * table's schema. Safe by default: on an existing table it is dropped `CONCURRENTLY` (outside a
 * transaction, without blocking reads and writes); `concurrently: false` opts out.
 */
export interface DropIndexOperation extends OperationBase {
  kind: 'dropIndex';
  table: QualifiedName;
  name: string;
  ifExists?: boolean;
  concurrently?: boolean;
}

/** Options of `db.dropIndex`. */
export type DropIndexOptions = Pick<DropIndexOperation, 'ifExists' | 'concurrently'>;

/**
 * Builds a `dropIndex` operation.
 *
 * @example
 * dropIndex('users', 'users_email_idx')
 */
export function dropIndex(table: TableRef, name: string, options: DropIndexOptions = {}): DropIndexOperation {
  return { kind: 'dropIndex', table: toName(table), name, ...options };
}

/** `dropIndex`: destructive; reversed from the captured `pg_get_indexdef`. */
export const dropIndexDefinition: OperationDefinition<DropIndexOperation> = {
  kind: 'dropIndex',
  validate(op) {
    const s = subject(op.kind, op.table, op.name);
    checkQualified(s, 'table', op.table);
    checkName(s, 'name', op.name);
    checkBoolean(s, 'ifExists', op.ifExists);
    checkBoolean(s, 'concurrently', op.concurrently);
  },
  classify: () => 'destructive',
  needsCapture: () => true,
  isReversible: () => true,
  reverse(op, captured) {
    const c = dropCapture(op, captured, 'index');
    if ('done' in c) return c.done;
    const note = `index ${op.name}: re-created from its captured definition and rebuilt from the rows in the table now`;
    return [indexFromCapture(op.table, c.found.index, note)];
  },
  describe: (op) => `drop index ${op.name} on ${formatName(op.table)}`,
};
