import { lockStrength } from '../locks.js';
import { qualified } from '../print.js';
import type { Rule } from '../rule.js';

/**
 * INSERT/UPDATE/DELETE on a table this transaction already locked with DDL (ADD COLUMN, ALTER …):
 * the DDL lock is held until COMMIT, so the backfill runs with the table blocked. From
 * strong_migrations' advice to backfill outside the schema change's transaction.
 */
export const backfillWhileLocked: Rule = {
  id: 'backfill-while-locked',
  severity: 'warning',
  hazard: 'lock',
  summary: 'Data change in the transaction that holds a schema lock on the same table',
  check(ctx) {
    const { analysis, state } = ctx;
    if (analysis.class !== 'data' || !state.inTransaction()) return;
    for (const l of analysis.locks) {
      const held = state.heldLock(l.table);
      if (!held || lockStrength(held) <= lockStrength('SHARE UPDATE EXCLUSIVE')) continue;
      ctx.report({
        message: `${analysis.kind} on ${qualified(l.table)} runs while this transaction holds a ${held} lock on it from an earlier statement: the table stays blocked until the data change commits.`,
        help: 'Backfill in a separate migration that runs outside a transaction (`transaction:false`), in batches, after the schema change has committed.',
      });
      return;
    }
  },
};
