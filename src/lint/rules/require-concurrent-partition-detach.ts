import { relationName } from '../ast.js';
import { qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { alterTableCmds } from '../rule-helpers.js';

/**
 * `DETACH PARTITION` without CONCURRENTLY (PostgreSQL 14+): ACCESS EXCLUSIVE on the partitioned
 * table. squawk: require-concurrent-partition-detach.
 */
export const requireConcurrentPartitionDetach: Rule = {
  id: 'require-concurrent-partition-detach',
  severity: 'error',
  hazard: 'lock',
  summary: 'DETACH PARTITION without CONCURRENTLY blocks the whole partitioned table',
  check(ctx) {
    if (ctx.state.pgVersion < 14) return;
    for (const { table, cmd } of alterTableCmds(ctx.node)) {
      if (cmd.subtype !== 'AT_DetachPartition' || ctx.state.isNewTable(table)) continue;
      const part = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd : undefined;
      if (part?.concurrent) continue;
      const name = relationName(part?.name);
      ctx.report({
        location: part?.name?.location,
        message: `Detaching ${qualified(name)} from ${qualified(table)} takes an ACCESS EXCLUSIVE lock on ${qualified(table)}, blocking reads and writes on every partition.`,
        help: 'Use DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+), in a migration that runs outside a transaction.',
        fix: `-- migrate:up transaction:false\nALTER TABLE ${qualified(table)} DETACH PARTITION ${qualified(name)} CONCURRENTLY;`,
      });
    }
  },
};
