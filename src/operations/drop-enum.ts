import { dropCapture } from './captured.js';
import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkBoolean, checkQualified, subject } from './validate.js';

/** `DROP TYPE` of an enum. Reversible from the captured labels. */
export interface DropEnumOperation extends OperationBase {
  kind: 'dropEnum';
  type: QualifiedName;
  ifExists?: boolean;
}

/**
 * Builds a `dropEnum` operation.
 *
 * @example
 * dropEnum('mood')
 */
export function dropEnum(type: TableRef, options: { ifExists?: boolean } = {}): DropEnumOperation {
  return { kind: 'dropEnum', type: toName(type), ...options };
}

/** `dropEnum`: destructive; reversed from the captured labels, in order. */
export const dropEnumDefinition: OperationDefinition<DropEnumOperation> = {
  kind: 'dropEnum',
  validate(op) {
    const s = subject(op.kind, op.type);
    checkQualified(s, 'type', op.type);
    checkBoolean(s, 'ifExists', op.ifExists);
  },
  classify: () => 'destructive',
  needsCapture: () => true,
  isReversible: () => true,
  reverse(op, captured) {
    const c = dropCapture(op, captured, 'enum');
    if ('done' in c) return c.done;
    return [{ kind: 'createEnum', type: op.type, values: c.found.values }];
  },
  describe: (op) => `drop enum ${formatName(op.type)}`,
};
