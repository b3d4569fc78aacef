import {
  type ColumnSpec,
  checkColumn,
  checkConstraint,
  normalizeColumn,
  normalizeConstraint,
} from './column-definition.js';
import { formatName, toName } from './names.js';
import type {
  ColumnDefinition,
  OperationBase,
  OperationDefinition,
  QualifiedName,
  TableConstraint,
  TableRef,
} from './types.js';
import { checkComment, checkQualified, invalid, subject } from './validate.js';

/** `CREATE TABLE`. Indexes and constraints of a table created in the same migration are built plainly. */
export interface CreateTableOperation extends OperationBase {
  kind: 'createTable';
  table: QualifiedName;
  columns: ColumnDefinition[];
  constraints?: TableConstraint[];
  comment?: string;
}

/** Options of `db.createTable`. */
export interface CreateTableOptions {
  constraints?: TableConstraint<TableRef>[];
  comment?: string;
}

/**
 * Builds a `createTable` operation from what the author wrote.
 *
 * @example
 * createTable('users', { id: { type: 'bigint', identity: 'always', primaryKey: true }, email: 'text' })
 */
export function createTable(
  table: TableRef,
  columns: Record<string, ColumnSpec> | ColumnDefinition<TableRef>[],
  options: CreateTableOptions = {},
): CreateTableOperation {
  const cols = Array.isArray(columns)
    ? columns.map(({ name, ...spec }) => normalizeColumn(name, spec))
    : Object.entries(columns ?? {}).map(([name, spec]) => normalizeColumn(name, spec));
  const op: CreateTableOperation = { kind: 'createTable', table: toName(table), columns: cols };
  if (options.constraints !== undefined) op.constraints = options.constraints.map(normalizeConstraint);
  if (options.comment !== undefined) op.comment = options.comment;
  return op;
}

/** `createTable`: additive; its reverse drops the table. */
export const createTableDefinition: OperationDefinition<CreateTableOperation> = {
  kind: 'createTable',
  validate(op) {
    const s = subject(op.kind, op.table);
    checkQualified(s, 'table', op.table);
    if (!Array.isArray(op.columns) || op.columns.length === 0)
      invalid(s, 'columns', 'must define at least one column');
    op.columns.forEach((c, i) => {
      checkColumn(s, typeof c?.name === 'string' && c.name ? `columns.${c.name}` : `columns[${i}]`, c, true);
    });
    const names = op.columns.map((c) => c.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) invalid(s, 'columns', `defines column "${twice}" twice`);
    if (op.constraints !== undefined && !Array.isArray(op.constraints))
      invalid(s, 'constraints', 'must be a list');
    (op.constraints ?? []).forEach((c, i) => {
      checkConstraint(s, `constraints[${i}]`, c);
    });
    const keys = op.columns.filter((c) => c.primaryKey).length;
    if (keys + (op.constraints ?? []).filter((c) => c.type === 'primaryKey').length > 1) {
      invalid(
        s,
        'primaryKey',
        'is set more than once',
        "Use one { type: 'primaryKey', columns: [...] } constraint.",
      );
    }
    checkComment(s, 'comment', op.comment);
  },
  classify: () => 'additive',
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'dropTable', table: op.table }],
  describe: (op) => `create table ${formatName(op.table)}`,
};
