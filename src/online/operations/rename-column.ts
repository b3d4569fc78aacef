/**
 * `renameColumn`: the new version sees the column under its new name (a view alias); the physical
 * rename happens at `complete`. No data moves, no trigger.
 */
import { ident, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import type { RenameColumnOp } from '../types.js';
import { missing } from './common.js';

/**
 * @example
 * op.renameColumn('users', 'email', 'email_address')
 */
export function renameColumn(table: string, from: string, to: string): RenameColumnOp {
  return { kind: 'renameColumn', table, from, to };
}

export const renameColumnHandler: OperationHandler<RenameColumnOp, { table: string; physical: string }> = {
  kind: 'renameColumn',
  check: (op) =>
    missing({ table: op.table, from: op.from, to: op.to }) ??
    (op.from === op.to ? '`from` and `to` are the same' : null),
  plan(op, b) {
    const t = b.table(op.table);
    const c = b.column(t, op.from);
    b.free(t, op.to);
    b.touch(t, c.physical);
    c.name = op.to;
    return { table: t.physical, physical: c.physical };
  },
  async contract(op, r, x) {
    if (await x.columnExists(r.table, r.physical)) {
      await x.run(
        sql`ALTER TABLE ${ident(x.plan.schema, r.table)} RENAME COLUMN ${ident(r.physical)} TO ${ident(op.to)}`,
      );
    }
  },
};
