/**
 * `dropTable`: gone from the new version schema at once, dropped at `complete`. No CASCADE: if
 * something else still depends on the table, `complete` fails and says what.
 */
import { ident, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import { PlanError } from '../plan.js';
import type { DropTableOp } from '../types.js';
import { missing } from './common.js';

/**
 * @example
 * op.dropTable('legacy_sessions')
 */
export function dropTable(table: string): DropTableOp {
  return { kind: 'dropTable', table };
}

export const dropTableHandler: OperationHandler<DropTableOp, { physical: string }> = {
  kind: 'dropTable',
  check: (op) => missing({ table: op.table }),
  plan(op, b) {
    const t = b.table(op.table);
    if (t.newName !== t.oldName) {
      throw new PlanError(
        `table "${op.table}" is renamed earlier in this migration`,
        'Drop it under its old name instead.',
      );
    }
    t.newName = null;
    return { physical: t.physical };
  },
  late: true,
  async contract(_op, r, x) {
    await x.run(sql`DROP TABLE IF EXISTS ${ident(x.plan.schema, r.physical)}`);
  },
};
