import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkQualified, invalid, type Subject, subject } from './validate.js';

/** `CREATE TYPE … AS ENUM`. */
export interface CreateEnumOperation extends OperationBase {
  kind: 'createEnum';
  type: QualifiedName;
  values: string[];
}

/**
 * Builds a `createEnum` operation.
 *
 * @example
 * createEnum('mood', ['sad', 'ok', 'happy'])
 */
export function createEnum(type: TableRef, values: string[]): CreateEnumOperation {
  return { kind: 'createEnum', type: toName(type), values };
}

/** Checks one enum label: a non-empty string of at most 63 bytes (PostgreSQL's limit). */
export function checkLabel(s: Subject, option: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) invalid(s, option, 'must be a non-empty string');
  if (Buffer.byteLength(value, 'utf8') > 63) invalid(s, option, 'is longer than 63 bytes');
}

/** `createEnum`: additive; reversed by dropping the type. */
export const createEnumDefinition: OperationDefinition<CreateEnumOperation> = {
  kind: 'createEnum',
  validate(op) {
    const s = subject(op.kind, op.type);
    checkQualified(s, 'type', op.type);
    if (!Array.isArray(op.values)) invalid(s, 'values', 'must be a list of labels');
    op.values.forEach((v, i) => {
      checkLabel(s, `values[${i}]`, v);
    });
    if (new Set(op.values).size !== op.values.length) invalid(s, 'values', 'lists a label twice');
  },
  classify: () => 'additive',
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'dropEnum', type: op.type }],
  describe: (op) => `create enum ${formatName(op.type)}`,
};
