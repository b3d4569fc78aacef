/**
 * `renameColumn`: the new version sees the column under its new name (a view alias); the physical
 * rename happens at `complete`. No data moves, no trigger.
 */

import { formatName } from '../../operations/names.js';
import { operationDefinitions } from '../../operations/registry.js';
import { subject } from '../../operations/validate.js';
import { ident, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import type { OnlineRenameColumn } from '../types.js';
import { checkOptions } from './common.js';

/** The online `renameColumn`: its checks, its planning and its phase hooks (see the file's comment). */
export const renameColumnHandler: OperationHandler<OnlineRenameColumn, { table: string; physical: string }> =
  {
    kind: 'renameColumn',
    describe: (op) => `renameColumn ${formatName(op.table)}.${op.column} → ${op.to}`,
    check(op) {
      checkOptions(subject(op.kind, op.table, op.column), null, op, ['table', 'column', 'to'], {
        from: '`column` (the current name)',
      });
      operationDefinitions.renameColumn.validate(op);
    },
    plan(op, model) {
      const t = model.table(op.table);
      const c = model.column(t, op.column);
      model.free(t, op.to);
      model.touch(t, c.physical);
      c.name = op.to;
      return { table: t.physical, physical: c.physical };
    },
    async contract(op, resolved, phase) {
      if (await phase.columnExists(resolved.table, resolved.physical)) {
        await phase.exec(
          sql`ALTER TABLE ${ident(phase.plan.schema, resolved.table)} RENAME COLUMN ${ident(resolved.physical)} TO ${ident(op.to)}`,
        );
      }
    },
  };
