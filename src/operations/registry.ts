/**
 * The one place that maps an operation kind to its definition. The mapped type makes a missing or
 * misspelled kind a compile error, so nothing else needs a hand-synced switch.
 */
import { MigrationFileError } from '../errors.js';
import { addCheckDefinition } from './add-check.js';
import { addColumnDefinition } from './add-column.js';
import { addConstraintDefinition } from './add-constraint.js';
import { addEnumValueDefinition } from './add-enum-value.js';
import { addForeignKeyDefinition } from './add-foreign-key.js';
import { addIndexDefinition } from './add-index.js';
import { addUniqueDefinition } from './add-unique.js';
import { alterColumnDefinition } from './alter-column.js';
import type { Captured } from './captured.js';
import { createEnumDefinition } from './create-enum.js';
import { createTableDefinition } from './create-table.js';
import { createViewDefinition } from './create-view.js';
import { dropColumnDefinition } from './drop-column.js';
import { dropConstraintDefinition } from './drop-constraint.js';
import { dropEnumDefinition } from './drop-enum.js';
import { dropIndexDefinition } from './drop-index.js';
import { dropTableDefinition } from './drop-table.js';
import { dropViewDefinition } from './drop-view.js';
import { renameColumnDefinition } from './rename-column.js';
import { renameTableDefinition } from './rename-table.js';
import { sqlDefinition } from './sql.js';
import type { Operation, OperationClass, OperationDefinition, OperationKind, OperationOf } from './types.js';

/** Every operation kind's definition. */
export const operationDefinitions: { readonly [K in OperationKind]: OperationDefinition<OperationOf<K>> } = {
  createTable: createTableDefinition,
  dropTable: dropTableDefinition,
  renameTable: renameTableDefinition,
  addColumn: addColumnDefinition,
  dropColumn: dropColumnDefinition,
  renameColumn: renameColumnDefinition,
  alterColumn: alterColumnDefinition,
  addIndex: addIndexDefinition,
  dropIndex: dropIndexDefinition,
  addForeignKey: addForeignKeyDefinition,
  addCheck: addCheckDefinition,
  addUnique: addUniqueDefinition,
  addConstraint: addConstraintDefinition,
  dropConstraint: dropConstraintDefinition,
  createEnum: createEnumDefinition,
  dropEnum: dropEnumDefinition,
  addEnumValue: addEnumValueDefinition,
  createView: createViewDefinition,
  dropView: dropViewDefinition,
  sql: sqlDefinition,
};

/**
 * The definition of an operation's kind; throws `MigrationFileError` for an unknown kind.
 *
 * @example
 * definitionOf(op).classify(op) // 'additive'
 */
export function definitionOf<O extends Operation>(op: O): OperationDefinition<O> {
  const kind = (op as { kind?: unknown } | null)?.kind;
  const def =
    typeof kind === 'string' && Object.hasOwn(operationDefinitions, kind)
      ? operationDefinitions[kind as OperationKind]
      : undefined;
  if (def === undefined) {
    throw new MigrationFileError(`Unknown operation kind ${JSON.stringify(kind)}`, {
      details: { hint: `Known kinds: ${Object.keys(operationDefinitions).join(', ')}.` },
    });
  }
  return def as unknown as OperationDefinition<O>;
}

/**
 * Validates an operation (throws `MigrationFileError` naming the operation and option).
 *
 * @example
 * validateOperation({ kind: 'dropColumn', table: { name: 'users' }, column: '' }) // throws
 */
export function validateOperation(op: Operation): void {
  definitionOf(op).validate(op);
}

/**
 * The class of an operation.
 *
 * @example
 * classifyOperation({ kind: 'dropTable', table: { name: 'users' } }) // 'destructive'
 */
export function classifyOperation(op: Operation): OperationClass {
  return definitionOf(op).classify(op);
}

/** Result of {@link deriveDown}. */
export type DerivedDown =
  | { ok: true; operations: Operation[] }
  | { ok: false; operation: Operation; index: number; reason: string };

/**
 * The automatic `down` of a migration: the reverse of each operation, last first. `captured[i]` is
 * what `captureDefinition` returned before `ops[i]` ran (null: the object did not exist;
 * undefined: nothing was captured).
 *
 * @example
 * const down = deriveDown(recorded, capturedFromHistory);
 * if (!down.ok) throw new RefusedError('irreversible', down.reason);
 */
export function deriveDown(
  ops: readonly Operation[],
  captured: readonly (Captured | null | undefined)[] = [],
): DerivedDown {
  const out: Operation[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    const def = definitionOf(op);
    const reversed = def.isReversible(op) ? def.reverse(op, captured[i]) : null;
    if (reversed === null) {
      const why = !def.isReversible(op)
        ? 'cannot be undone automatically'
        : 'needs the definition captured when it ran, and none was recorded';
      return { ok: false, operation: op, index: i, reason: `${def.describe(op)} ${why}: write a down step` };
    }
    out.push(...reversed);
  }
  return { ok: true, operations: out };
}
