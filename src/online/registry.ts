/**
 * The one registry of online operation kinds: the handler of each kind and the `op` builder that
 * migrations receive. Adding a kind means one file under `operations/` and one line in each map.
 */
import type { OperationHandler } from './operation.js';
import { addColumn, addColumnHandler } from './operations/add-column.js';
import { addUnique, addUniqueHandler } from './operations/add-unique.js';
import { alterColumn, alterColumnHandler } from './operations/alter-column.js';
import { createIndex, createIndexHandler } from './operations/create-index.js';
import { dropColumn, dropColumnHandler } from './operations/drop-column.js';
import { dropTable, dropTableHandler } from './operations/drop-table.js';
import { renameColumn, renameColumnHandler } from './operations/rename-column.js';
import { renameTable, renameTableHandler } from './operations/rename-table.js';
import { replaceTable, replaceTableHandler } from './operations/replace-table.js';
import { setNotNull } from './operations/set-not-null.js';
import type { OnlineOperation, OperationKind } from './types.js';

const HANDLERS: { [K in OperationKind]: OperationHandler<Extract<OnlineOperation, { kind: K }>> } = {
  addColumn: addColumnHandler,
  addUnique: addUniqueHandler,
  alterColumn: alterColumnHandler,
  createIndex: createIndexHandler,
  dropColumn: dropColumnHandler,
  dropTable: dropTableHandler,
  renameColumn: renameColumnHandler,
  renameTable: renameTableHandler,
  replaceTable: replaceTableHandler,
};

/** The handler of a kind, or undefined for an unknown kind. */
export function handlerFor(kind: string): OperationHandler | undefined {
  return Object.hasOwn(HANDLERS, kind) ? (HANDLERS[kind as OperationKind] as OperationHandler) : undefined;
}

/**
 * The `op` builder passed to `operations: (op) => [...]`. Every method returns plain data.
 *
 * @example
 * export default defineMigration({
 *   online: true,
 *   operations: (op: OpBuilder) => [op.renameColumn('users', 'email', 'email_address')],
 * });
 */
export const opBuilder = {
  addColumn,
  addUnique,
  alterColumn,
  createIndex,
  dropColumn,
  dropTable,
  renameColumn,
  renameTable,
  replaceTable,
  setNotNull,
};

/** Type of the `op` argument of an online migration's `operations`. */
export type OpBuilder = typeof opBuilder;
