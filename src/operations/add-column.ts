import { type ColumnSpec, checkColumn, normalizeColumn } from './column-definition.js';
import { formatName, toName } from './names.js';
import type {
  ColumnDefinition,
  OperationBase,
  OperationDefinition,
  QualifiedName,
  TableRef,
} from './types.js';
import { checkBoolean, checkQualified, subject } from './validate.js';

/**
 * `ALTER TABLE … ADD COLUMN`.
 *
 * Safe by default on an existing table: a literal or non-volatile default is stored in the catalog
 * (no rewrite, PostgreSQL 11+). A volatile default (`gen_random_uuid()`, `clock_timestamp()`) would
 * rewrite the table under ACCESS EXCLUSIVE, so it is applied as `ADD COLUMN` then `SET DEFAULT`:
 * existing rows get NULL (backfill them), new rows get the default. `allowRewrite: true` keeps the
 * single rewriting statement. Identity, serial and generated columns always rewrite.
 */
export interface AddColumnOperation extends OperationBase {
  kind: 'addColumn';
  table: QualifiedName;
  column: ColumnDefinition;
  /** Accept a table rewrite instead of splitting a volatile default (see above). */
  allowRewrite?: boolean;
}

/** Options of `db.addColumn` beyond the column itself. */
export interface AddColumnOptions {
  allowRewrite?: boolean;
}

/**
 * Builds an `addColumn` operation.
 *
 * @example
 * addColumn('users', 'email_address', { type: 'varchar(255)', nullable: true })
 */
export function addColumn(
  table: TableRef,
  column: string,
  spec: ColumnSpec & AddColumnOptions,
): AddColumnOperation {
  if (typeof spec === 'string')
    return { kind: 'addColumn', table: toName(table), column: normalizeColumn(column, spec) };
  const { allowRewrite, ...rest } = spec;
  const op: AddColumnOperation = {
    kind: 'addColumn',
    table: toName(table),
    column: normalizeColumn(column, rest),
  };
  if (allowRewrite !== undefined) op.allowRewrite = allowRewrite;
  return op;
}

/** `addColumn`: additive; reversed by dropping the column. */
export const addColumnDefinition: OperationDefinition<AddColumnOperation> = {
  kind: 'addColumn',
  validate(op) {
    const s = subject(op.kind, op.table, op.column?.name);
    checkQualified(s, 'table', op.table);
    checkColumn(s, 'column', op.column, false);
    checkBoolean(s, 'allowRewrite', op.allowRewrite);
  },
  classify: () => 'additive',
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'dropColumn', table: op.table, column: op.column.name }],
  describe: (op) => `add column ${formatName(op.table)}.${op.column.name}`,
};
