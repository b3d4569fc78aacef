/**
 * How an author writes a `replaceTable`: the builder (columns in `createTable`'s two forms) and the
 * check of the operation's data.
 */
import { formatName, toName } from '../../../operations/names.js';
import type { TableRef } from '../../../operations/types.js';
import {
  checkBoolean,
  checkName,
  checkNames,
  checkOneOf,
  checkQualified,
  checkSql,
  invalid,
  subject,
} from '../../../operations/validate.js';
import type { ReplaceColumn, ReplaceTableOperation } from '../../types.js';
import { checkExpression } from '../column-constraints.js';
import { checkOnlineDefault, checkOptions } from '../common.js';

/** A column of the new table: its type, or a definition (unset `nullable`/`default` carry the old column's). */
export type ReplaceColumnSpec = string | Omit<ReplaceColumn, 'name'>;

/** What `op.replaceTable` takes besides the table. */
export interface ReplaceTableSpec extends Omit<ReplaceTableOperation, 'kind' | 'table' | 'columns' | 'note'> {
  /** As in `createTable`: `{ id: 'bigint', name: { type: 'text', nullable: false } }`, or a list of definitions. */
  columns: ReplaceColumn[] | Record<string, ReplaceColumnSpec>;
}

/**
 * Builds a `replaceTable`.
 *
 * @example
 * op.replaceTable('users', {
 *   columns: { id: 'bigint', full_name: { type: 'text', nullable: false } },
 *   primaryKey: ['id'],
 *   copy: { full_name: "first_name || ' ' || last_name" },
 * })
 */
export function replaceTable(table: TableRef, spec: ReplaceTableSpec): ReplaceTableOperation {
  const { columns, ...rest } = spec ?? ({} as ReplaceTableSpec);
  const list =
    typeof columns === 'object' && columns !== null && !Array.isArray(columns)
      ? Object.entries(columns).map(([name, c]) =>
          typeof c === 'string' ? { name, type: c } : { name, ...c },
        )
      : columns;
  return { kind: 'replaceTable', table: toName(table), ...rest, columns: list };
}

const COLUMN_OPTIONS = ['name', 'type', 'nullable', 'default', 'identity'];

/** Checks a `replaceTable`'s data; throws MigrationFileError naming the option. */
export function checkReplaceTable(op: ReplaceTableOperation): void {
  const s = subject(op.kind, op.table);
  checkOptions(s, null, op, ['table', 'columns', 'primaryKey', 'copy', 'reverse', 'omit']);
  checkQualified(s, 'table', op.table);
  if (!Array.isArray(op.columns) || op.columns.length === 0)
    invalid(s, 'columns', "must list the new table's columns");
  op.columns.forEach((c, i) => {
    const at = `columns[${i}]`;
    checkOptions(s, at, c, COLUMN_OPTIONS, { notNull: '`nullable` (unset: as the old column)' });
    checkName(s, `${at}.name`, c.name);
    checkSql(s, `${at}.type`, c.type, "'bigint'");
    checkBoolean(s, `${at}.nullable`, c.nullable);
    checkOnlineDefault(s, `${at}.default`, c.default, true);
    checkOneOf(s, `${at}.identity`, c.identity, ['always', 'by default']);
  });
  const names = op.columns.map((c) => c.name);
  if (new Set(names).size !== names.length) invalid(s, 'columns', 'lists a column twice');
  if (!Array.isArray(op.primaryKey) || op.primaryKey.length === 0)
    invalid(s, 'primaryKey', 'is needed: rows are synced by key');
  checkNames(s, 'primaryKey', op.primaryKey);
  const bad = op.primaryKey.find((k) => !names.includes(k));
  if (bad !== undefined) invalid(s, 'primaryKey', `names "${bad}", which is not in \`columns\``);
  for (const option of ['copy', 'reverse'] as const) {
    const map = op[option];
    if (map === undefined) continue;
    if (typeof map !== 'object' || map === null || Array.isArray(map))
      invalid(
        s,
        option,
        'must map column names to SQL, e.g. { full_name: "first_name || \' \' || last_name" }',
      );
    for (const [column, expression] of Object.entries(map))
      checkExpression(s, `${option}.${column}`, expression);
  }
  const unknown = Object.keys(op.copy ?? {}).find((k) => !names.includes(k));
  if (unknown !== undefined) invalid(s, `copy.${unknown}`, 'is not a column of the new table');
  if (
    op.omit !== undefined &&
    (!Array.isArray(op.omit) || op.omit.some((n) => typeof n !== 'string' || n === ''))
  )
    invalid(s, 'omit', 'must list names of indexes, constraints, triggers or policies');
}

/** One line for messages: `replaceTable users`. */
export function describeReplaceTable(op: ReplaceTableOperation): string {
  return `replaceTable ${formatName(op.table)}`;
}
