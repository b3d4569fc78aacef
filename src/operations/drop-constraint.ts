import { DATA_NOT_RESTORED, dropCapture } from './captured.js';
import { constraintFromCapture } from './column-definition.js';
import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkBoolean, checkName, checkQualified, subject } from './validate.js';

/** `ALTER TABLE … DROP CONSTRAINT`. Reversible from the captured `pg_get_constraintdef`. */
export interface DropConstraintOperation extends OperationBase {
  kind: 'dropConstraint';
  table: QualifiedName;
  name: string;
  ifExists?: boolean;
}

/**
 * Builds a `dropConstraint` operation.
 *
 * @example
 * dropConstraint('orders', 'orders_user_id_fkey')
 */
export function dropConstraint(
  table: TableRef,
  name: string,
  options: { ifExists?: boolean } = {},
): DropConstraintOperation {
  return { kind: 'dropConstraint', table: toName(table), name, ...options };
}

/** `dropConstraint`: destructive (of a rule, not of rows); reversed from the captured definition. */
export const dropConstraintDefinition: OperationDefinition<DropConstraintOperation> = {
  kind: 'dropConstraint',
  validate(op) {
    const s = subject(op.kind, op.table, op.name);
    checkQualified(s, 'table', op.table);
    checkName(s, 'name', op.name);
    checkBoolean(s, 'ifExists', op.ifExists);
  },
  classify: () => 'destructive',
  needsCapture: () => true,
  isReversible: () => true,
  reverse(op, captured) {
    const c = dropCapture(op, captured, 'constraint');
    if ('done' in c) return c.done;
    const note = `constraint ${op.name}: ${DATA_NOT_RESTORED}; rows written meanwhile must satisfy it again`;
    return [constraintFromCapture(op.table, c.found.constraint, note)];
  },
  describe: (op) => `drop constraint ${op.name} on ${formatName(op.table)}`,
};
