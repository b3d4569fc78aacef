/**
 * The `op` builder an online migration's `operations: (op) => [...]` receives. Its methods take
 * the arguments of the `db` methods of a TypeScript migration, and build the same operations, plus
 * what running two versions at once needs (`up`, `down`) and `replaceTable`. Every method returns
 * plain data.
 */
import { MigrationFileError } from '../errors.js';
import { renameColumn } from '../operations/rename-column.js';
import { renameTable } from '../operations/rename-table.js';
import { addColumn } from './operations/add-column.js';
import { addIndex } from './operations/add-index.js';
import { addUnique } from './operations/add-unique.js';
import { alterColumn } from './operations/alter-column.js';
import { dropColumn } from './operations/drop-column.js';
import { dropTable } from './operations/drop-table.js';
import { replaceTable } from './operations/replace-table/spec.js';

/**
 * The `op` builder passed to `operations: (op) => [...]`.
 *
 * @example
 * export default defineMigration({
 *   online: true,
 *   operations: (op: OpBuilder) => [op.renameColumn('users', 'email', 'email_address')],
 * });
 */
export const opBuilder = {
  addColumn,
  addIndex,
  addUnique,
  alterColumn,
  dropColumn,
  dropTable,
  renameColumn,
  renameTable,
  replaceTable,
};

/** Type of the `op` argument of an online migration's `operations`. */
export type OpBuilder = typeof opBuilder;

/** Methods online migrations had before they used the typed operations' names, and what to write now. */
const RENAMED: Record<string, string> = {
  createIndex: "op.addIndex(table, columns, { name, … }), as db.addIndex: op.addIndex('users', ['email'])",
  setNotNull:
    "op.alterColumn(table, column, { nullable: false, up }), as db.alterColumn: op.alterColumn('users', 'phone', { nullable: false, up: \"coalesce(phone, '')\" })",
};

/**
 * The builder migrations receive at run time: {@link opBuilder}, and each old method name throwing
 * an error that names the new call (the type has no such methods, so TypeScript points at them too).
 */
export const runtimeOpBuilder: OpBuilder = Object.assign(
  Object.create(null) as object,
  opBuilder,
  Object.fromEntries(
    Object.entries(RENAMED).map(([name, now]) => [
      name,
      () => {
        throw new MigrationFileError(`op.${name} is not an online operation any more.`, {
          details: { hint: `Write ${now}.` },
        });
      },
    ]),
  ),
) as OpBuilder;
