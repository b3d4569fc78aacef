import { defaultName, formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkBoolean, checkName, checkNames, checkQualified, subject } from './validate.js';

/**
 * `ALTER TABLE … ADD CONSTRAINT … UNIQUE`.
 *
 * Safe by default: on an existing table a unique index of the constraint's name is built
 * `CONCURRENTLY`, then attached with `ADD CONSTRAINT … UNIQUE USING INDEX` (a brief lock).
 * `concurrently: false` builds the index inside `ALTER TABLE`, blocking reads and writes meanwhile.
 */
export interface AddUniqueOperation extends OperationBase {
  kind: 'addUnique';
  table: QualifiedName;
  name: string;
  columns: string[];
  concurrently?: boolean;
}

/**
 * Builds an `addUnique` operation; the default name is PostgreSQL's (`users_email_key`), at most
 * `maxNameBytes` long (the dialect's `maxIdentifierLength`).
 *
 * @example
 * addUnique('users', ['email'], {}, 63)
 */
export function addUnique(
  table: TableRef,
  columns: string | string[],
  options: { name?: string; concurrently?: boolean },
  maxNameBytes: number,
): AddUniqueOperation {
  const t = toName(table);
  const cols = typeof columns === 'string' ? [columns] : columns;
  const { name, ...rest } = options;
  return {
    kind: 'addUnique',
    table: t,
    name: name ?? defaultName(t.name, Array.isArray(cols) ? cols : [], 'key', maxNameBytes),
    columns: cols,
    ...rest,
  };
}

/** `addUnique`: transformative (it can reject writes); reversed by dropping the constraint. */
export const addUniqueDefinition: OperationDefinition<AddUniqueOperation> = {
  kind: 'addUnique',
  validate(op) {
    const s = subject(op.kind, op.table, op.name);
    checkQualified(s, 'table', op.table);
    checkName(s, 'name', op.name);
    checkNames(s, 'columns', op.columns);
    checkBoolean(s, 'concurrently', op.concurrently);
  },
  classify: () => 'transformative',
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'dropConstraint', table: op.table, name: op.name }],
  describe: (op) => `add unique ${op.name} on ${formatName(op.table)} (${op.columns.join(', ')})`,
};
