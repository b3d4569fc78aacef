/**
 * Pure validation of an online migration's definition, before anything runs: every operation is a
 * known kind and says, if it cannot be done online, why.
 */
import { MigrationFileError } from '../errors.js';
import type { MigrationDefinition } from '../migrations/types.js';
import { runtimeOpBuilder } from './builder.js';
import { checkOperation, isOnlineKind } from './registry.js';
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
    list = definition.operations(runtimeOpBuilder);
  } catch (cause) {
    if (cause instanceof MigrationFileError) throw withFile(cause, file);
    throw new MigrationFileError(
      `operations() threw: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, details: { file } },
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
    if (!isOnlineKind(kind)) {
      throw fail(
        `Online operation ${i + 1} is not an online operation (${typeof item === 'string' ? 'raw SQL' : JSON.stringify(kind ?? typeof item)}).`,
        kind === 'createIndex'
          ? 'It is called addIndex now (the name of the typed operation).'
          : 'Raw SQL cannot run online (sluice cannot keep two versions of it working); use a regular migration for it.',
        { operation: i + 1 },
      );
    }
    const op = item as OnlineOperation;
    try {
      checkOperation(op);
    } catch (error) {
      if (!(error instanceof MigrationFileError)) throw error;
      throw withFile(error, file, i + 1);
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

/** The same error, saying which file (and which operation of it, 1-based) it is about. */
function withFile(error: MigrationFileError, file: string, operation?: number): MigrationFileError {
  const message = operation === undefined ? error.message : `Online operation ${operation}: ${error.message}`;
  const hint = error.details.hint ?? 'Fix the operation.';
  return new MigrationFileError(message, {
    cause: error,
    details: { ...error.details, file, hint, ...(operation === undefined ? {} : { operation }) },
  });
}
