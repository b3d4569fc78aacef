/**
 * Pure validation of an online migration's definition, before anything runs: every operation is a
 * known kind and says, if it cannot be done online, why.
 */
import { MigrationFileError } from '../errors.js';
import type { MigrationDefinition } from '../migrations/types.js';
import { describeOp } from './plan.js';
import { handlerFor, opBuilder } from './registry.js';
import type { OnlineOperation } from './types.js';

/**
 * Calls `definition.operations(op)` and checks each operation. Throws {@link MigrationFileError}
 * (exit 2) naming the operation and the reason.
 *
 * @example
 * const ops = validateOnlineMigration(definition, 'migrations/20240101_rename.ts');
 */
export function validateOnlineMigration(definition: MigrationDefinition, file: string): OnlineOperation[] {
  const fail = (message: string, hint: string, extra: Record<string, unknown> = {}) =>
    new MigrationFileError(message, { details: { file, hint, ...extra } });
  if (definition.online !== true)
    throw fail('Not an online migration.', 'Add `online: true` to defineMigration.');
  if (typeof definition.operations !== 'function') {
    throw fail(
      'An online migration needs `operations: (op) => [...]`.',
      'List the operations, e.g. op.renameColumn(...).',
    );
  }
  if (definition.up || definition.down) {
    throw fail(
      'An online migration is made of operations only; it cannot also have up/down functions.',
      'Move the SQL to a regular migration before or after this one.',
    );
  }
  let list: unknown;
  try {
    list = definition.operations(opBuilder);
  } catch (cause) {
    throw new MigrationFileError(
      `operations() threw: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
        details: { file },
      },
    );
  }
  if (!Array.isArray(list) || list.length === 0) {
    throw fail(
      'operations() must return a non-empty array of operations.',
      'Return e.g. [op.addColumn(...)].',
    );
  }
  const ops: OnlineOperation[] = [];
  list.forEach((item, i) => {
    const kind = typeof item === 'object' && item !== null ? (item as { kind?: unknown }).kind : undefined;
    const handler = typeof kind === 'string' ? handlerFor(kind) : undefined;
    if (!handler) {
      throw fail(
        `Online operation ${i + 1} is not an online operation (${typeof item === 'string' ? 'raw SQL' : JSON.stringify(kind ?? typeof item)}).`,
        'Raw SQL cannot run online (sluice cannot keep two versions of it working); use a regular migration for it.',
        { operation: i + 1 },
      );
    }
    const op = item as OnlineOperation;
    const why = handler.check(op);
    if (why) {
      throw fail(
        `Online operation ${i + 1} (${describeOp(op)}) cannot run online: ${why}.`,
        'Fix the operation.',
        {
          operation: i + 1,
        },
      );
    }
    ops.push(op);
  });
  if (ops.some((o) => o.kind === 'replaceTable') && ops.some((o) => o.kind !== 'replaceTable')) {
    throw fail(
      'replaceTable cannot be mixed with other operations in one online migration.',
      'Its swap can be aborted after complete; put the other operations in their own migration.',
    );
  }
  return ops;
}
