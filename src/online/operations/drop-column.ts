/**
 * `dropColumn`: the new version stops seeing the column at once; the old version keeps it, and rows
 * the new version inserts get `down` in it (on insert only: an update from the new version leaves
 * the old version's value alone, since the new version cannot see it). Dropped at `complete`.
 */
import { ident, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import { PlanError } from '../plan.js';
import type { DropColumnOp } from '../types.js';
import { missing } from './common.js';

/**
 * @example
 * op.dropColumn('users', 'legacy_flag', { down: 'false' })
 */
export function dropColumn(table: string, column: string, options: { down?: string } = {}): DropColumnOp {
  return { kind: 'dropColumn', table, column, down: options.down };
}

export const dropColumnHandler: OperationHandler<DropColumnOp, { table: string; physical: string }> = {
  kind: 'dropColumn',
  check: (op) => missing({ table: op.table, column: op.column }),
  plan(op, b) {
    const t = b.table(op.table);
    const c = b.column(t, op.column);
    const info = b.tableInfo(t).columns.find((x) => x.name === c.physical);
    if (info?.notNull && !info.default && !op.down) {
      throw new PlanError(
        `column "${op.column}" is NOT NULL without a default, so the new version could not insert rows`,
        `Give it a value: op.dropColumn('${op.table}', '${op.column}', { down: '<SQL over the new columns>' }).`,
      );
    }
    if (t.primaryKey.includes(c.physical))
      throw new PlanError(`column "${op.column}" is part of the primary key`, 'Use replaceTable.');
    b.touch(t, c.physical);
    t.newColumns = t.newColumns.filter((x) => x !== c);
    const source = `dropColumn ${op.table}.${op.column} (down)`;
    if (op.down) t.down.push({ target: c.physical, expr: op.down, on: 'insert', source });
    return { table: t.physical, physical: c.physical };
  },
  async contract(_op, r, x) {
    await x.run(sql`ALTER TABLE ${ident(x.plan.schema, r.table)} DROP COLUMN IF EXISTS ${ident(r.physical)}`);
  },
};
