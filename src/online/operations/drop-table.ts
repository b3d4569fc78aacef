/**
 * `dropTable`: gone from the new version schema at once, dropped at `complete`. No CASCADE: if
 * something else still depends on the table, `complete` fails and says what.
 */
import { dropTable as typedDropTable } from '../../operations/drop-table.js';
import { formatName } from '../../operations/names.js';
import { operationDefinitions } from '../../operations/registry.js';
import type { TableRef } from '../../operations/types.js';
import { subject } from '../../operations/validate.js';
import { ident, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import { PlanError } from '../plan.js';
import type { OnlineDropTable } from '../types.js';
import { checkOptions } from './common.js';

/**
 * Builds an online `dropTable`: the typed operation without its options (an online drop is never
 * CASCADE, and the table must exist).
 *
 * @example
 * op.dropTable('legacy_sessions')
 */
export function dropTable(table: TableRef): OnlineDropTable {
  return typedDropTable(table);
}

/** The online `dropTable`: its checks, its planning and its phase hooks (see the file's comment). */
export const dropTableHandler: OperationHandler<OnlineDropTable, { physical: string }> = {
  kind: 'dropTable',
  describe: (op) => `dropTable ${formatName(op.table)}`,
  check(op) {
    checkOptions(subject(op.kind, op.table), null, op, ['table']);
    operationDefinitions.dropTable.validate(op);
  },
  plan(op, model) {
    const t = model.table(op.table);
    if (t.newName !== t.oldName) {
      throw new PlanError(
        `table "${op.table.name}" is renamed earlier in this migration`,
        'Drop it under its old name instead.',
      );
    }
    t.newName = null;
    return { physical: t.physical };
  },
  late: true,
  async contract(_op, resolved, phase) {
    await phase.exec(sql`DROP TABLE IF EXISTS ${ident(phase.plan.schema, resolved.physical)}`);
  },
};
