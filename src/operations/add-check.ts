import { VALIDATE_MODES, type ValidateMode } from './add-foreign-key.js';
import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkName, checkOneOf, checkQualified, checkSql, subject } from './validate.js';

/** `ALTER TABLE … ADD CONSTRAINT … CHECK`; validated separately by default (see {@link ValidateMode}). */
export interface AddCheckOperation extends OperationBase {
  kind: 'addCheck';
  table: QualifiedName;
  name: string;
  /** The boolean expression, e.g. `'price > 0'`. */
  expression: string;
  validate?: ValidateMode;
}

/**
 * Builds an `addCheck` operation.
 *
 * @example
 * addCheck('products', 'products_price_positive', 'price > 0')
 */
export function addCheck(
  table: TableRef,
  name: string,
  expression: string,
  options: { validate?: ValidateMode } = {},
): AddCheckOperation {
  return { kind: 'addCheck', table: toName(table), name, expression, ...options };
}

/** `addCheck`: transformative (it can reject writes); reversed by dropping the constraint. */
export const addCheckDefinition: OperationDefinition<AddCheckOperation> = {
  kind: 'addCheck',
  validate(op) {
    const s = subject(op.kind, op.table, op.name);
    checkQualified(s, 'table', op.table);
    checkName(s, 'name', op.name);
    checkSql(s, 'expression', op.expression, "'price > 0'");
    checkOneOf(s, 'validate', op.validate, VALIDATE_MODES);
  },
  classify: () => 'transformative',
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'dropConstraint', table: op.table, name: op.name }],
  describe: (op) => `add check ${op.name} on ${formatName(op.table)}`,
};
