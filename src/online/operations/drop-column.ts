/**
 * `dropColumn`: the new version stops seeing the column at once; the old version keeps it, and rows
 * the new version inserts get `down` in it (on insert only: an update from the new version leaves
 * the old version's value alone, since the new version cannot see it). Dropped at `complete`.
 */
import { dropColumn as typedDropColumn } from '../../operations/drop-column.js';
import { formatName } from '../../operations/names.js';
import { operationDefinitions } from '../../operations/registry.js';
import type { TableRef } from '../../operations/types.js';
import { subject } from '../../operations/validate.js';
import { ident, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import { PlanError } from '../plan.js';
import type { OnlineDropColumn } from '../types.js';
import { checkExpression } from './column-constraints.js';
import { checkOptions } from './common.js';

/**
 * Builds an online `dropColumn`: the arguments of `db.dropColumn`, plus `down`.
 *
 * @example
 * op.dropColumn('users', 'legacy_flag', { down: 'false' })
 */
export function dropColumn(
  table: TableRef,
  column: string,
  options: { down?: string } = {},
): OnlineDropColumn {
  const op: OnlineDropColumn = typedDropColumn(table, column);
  if (options.down !== undefined) op.down = options.down;
  return op;
}

/** The online `dropColumn`: its checks, its planning and its phase hooks (see the file's comment). */
export const dropColumnHandler: OperationHandler<OnlineDropColumn, { table: string; physical: string }> = {
  kind: 'dropColumn',
  describe: (op) => `dropColumn ${formatName(op.table)}.${op.column}`,
  check(op) {
    const s = subject(op.kind, op.table, op.column);
    checkOptions(s, null, op, ['table', 'column', 'down']);
    operationDefinitions.dropColumn.validate(op);
    checkExpression(s, 'down', op.down);
  },
  plan(op, model) {
    const t = model.table(op.table);
    const c = model.column(t, op.column);
    const info = model.tableInfo(t).columns.find((x) => x.name === c.physical);
    if (info?.notNull && !info.default && !op.down) {
      throw new PlanError(
        `column "${op.column}" is NOT NULL without a default, so the new version could not insert rows`,
        `Give it a value: op.dropColumn('${formatName(op.table)}', '${op.column}', { down: '<SQL over the new columns>' }).`,
      );
    }
    if (t.primaryKey.includes(c.physical))
      throw new PlanError(`column "${op.column}" is part of the primary key`, 'Use replaceTable.');
    model.touch(t, c.physical);
    t.newColumns = t.newColumns.filter((x) => x !== c);
    const source = `dropColumn ${op.table.name}.${op.column} (down)`;
    if (op.down) t.down.push({ target: c.physical, expr: op.down, on: 'insert', source });
    return { table: t.physical, physical: c.physical };
  },
  async contract(_op, resolved, phase) {
    await phase.exec(
      sql`ALTER TABLE ${ident(phase.plan.schema, resolved.table)} DROP COLUMN IF EXISTS ${ident(resolved.physical)}`,
    );
  },
};
