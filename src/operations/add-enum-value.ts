import { checkLabel } from './create-enum.js';
import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkBoolean, checkQualified, invalid, subject } from './validate.js';

/**
 * `ALTER TYPE … ADD VALUE`. Irreversible: PostgreSQL cannot remove an enum label. Before
 * PostgreSQL 12 it cannot run in a transaction; from 12 on it can, but the new label cannot be used
 * until that transaction commits.
 */
export interface AddEnumValueOperation extends OperationBase {
  kind: 'addEnumValue';
  type: QualifiedName;
  value: string;
  before?: string;
  after?: string;
  ifNotExists?: boolean;
}

/** Options of `db.addEnumValue`. */
export type AddEnumValueOptions = Pick<AddEnumValueOperation, 'before' | 'after' | 'ifNotExists'>;

/**
 * Builds an `addEnumValue` operation.
 *
 * @example
 * addEnumValue('mood', 'ecstatic', { after: 'happy' })
 */
export function addEnumValue(
  type: TableRef,
  value: string,
  options: AddEnumValueOptions = {},
): AddEnumValueOperation {
  return { kind: 'addEnumValue', type: toName(type), value, ...options };
}

/** `addEnumValue`: additive and irreversible. */
export const addEnumValueDefinition: OperationDefinition<AddEnumValueOperation> = {
  kind: 'addEnumValue',
  validate(op) {
    const s = subject(op.kind, op.type);
    checkQualified(s, 'type', op.type);
    checkLabel(s, 'value', op.value);
    if (op.before !== undefined) checkLabel(s, 'before', op.before);
    if (op.after !== undefined) checkLabel(s, 'after', op.after);
    if (op.before !== undefined && op.after !== undefined)
      invalid(s, 'after', 'cannot be combined with `before`');
    checkBoolean(s, 'ifNotExists', op.ifNotExists);
  },
  classify: () => 'additive',
  needsCapture: () => false,
  isReversible: () => false,
  reverse: () => null,
  describe: (op) => `add value ${JSON.stringify(op.value)} to enum ${formatName(op.type)}`,
};
