/**
 * `renameTable`: the new version schema has the view under the new name at once; the physical table
 * is renamed at `complete` (after every column change, which refer to the old physical name).
 */
import { formatName } from '../../operations/names.js';
import { operationDefinitions } from '../../operations/registry.js';
import { invalid, subject } from '../../operations/validate.js';
import { ident, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import { PlanError } from '../plan.js';
import type { OnlineRenameTable } from '../types.js';
import { checkOptions } from './common.js';

/** The online `renameTable`: its checks, its planning and its phase hooks (see the file's comment). */
export const renameTableHandler: OperationHandler<OnlineRenameTable, { physical: string }> = {
  kind: 'renameTable',
  describe: (op) => `renameTable ${formatName(op.table)} → ${op.to}`,
  check(op) {
    const s = subject(op.kind, op.table);
    checkOptions(s, null, op, ['table', 'to'], { from: '`table` (the current name)' });
    operationDefinitions.renameTable.validate(op);
    if (op.to === op.table.name) invalid(s, 'to', 'is the current name');
  },
  plan(op, model) {
    const t = model.table(op.table);
    if (t.newName !== t.oldName) {
      throw new PlanError(
        `table "${op.table.name}" is already renamed by this migration`,
        'Rename it once, to its final name.',
      );
    }
    if (model.tables.some((x) => x.newName === op.to)) throw new PlanError(`table "${op.to}" already exists`);
    if (model.tables.some((x) => x.physical === op.to && x !== t && x.newName !== null)) {
      throw new PlanError(`table "${op.to}" is still used`);
    }
    t.newName = op.to;
    return { physical: t.physical };
  },
  late: true,
  async contract(op, resolved, phase) {
    if (await phase.tableExists(resolved.physical)) {
      await phase.exec(
        sql`ALTER TABLE ${ident(phase.plan.schema, resolved.physical)} RENAME TO ${ident(op.to)}`,
      );
    }
  },
};
