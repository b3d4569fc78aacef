/**
 * `renameTable`: the new version schema has the view under the new name at once; the physical table
 * is renamed at `complete` (after every column change, which refer to the old physical name).
 */
import { ident, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import { PlanError } from '../plan.js';
import type { RenameTableOp } from '../types.js';
import { missing } from './common.js';

/**
 * @example
 * op.renameTable('users', 'accounts')
 */
export function renameTable(from: string, to: string): RenameTableOp {
  return { kind: 'renameTable', from, to };
}

export const renameTableHandler: OperationHandler<RenameTableOp, { physical: string }> = {
  kind: 'renameTable',
  check: (op) =>
    missing({ from: op.from, to: op.to }) ?? (op.from === op.to ? '`from` and `to` are the same' : null),
  plan(op, b) {
    const t = b.table(op.from);
    if (t.newName !== t.oldName) {
      throw new PlanError(
        `table "${op.from}" is already renamed by this migration`,
        'Rename it once, to its final name.',
      );
    }
    if (b.tables.some((x) => x.newName === op.to)) throw new PlanError(`table "${op.to}" already exists`);
    if (b.tables.some((x) => x.physical === op.to && x !== t && x.newName !== null)) {
      throw new PlanError(`table "${op.to}" is still used`);
    }
    t.newName = op.to;
    return { physical: t.physical };
  },
  late: true,
  async contract(op, r, x) {
    if (await x.tableExists(r.physical)) {
      await x.run(sql`ALTER TABLE ${ident(x.plan.schema, r.physical)} RENAME TO ${ident(op.to)}`);
    }
  },
};
