import { qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { addedConstraints } from '../rule-helpers.js';

/**
 * An EXCLUDE constraint added to an existing table: it cannot be added NOT VALID, so its index
 * is built and every row checked under ACCESS EXCLUSIVE. strong_migrations: add_exclusion_constraint.
 */
export const addingExclusionConstraint: Rule = {
  id: 'adding-exclusion-constraint',
  severity: 'error',
  hazard: 'lock',
  summary: 'ADD EXCLUDE constraint blocks reads and writes while every row is checked',
  check(ctx) {
    for (const { table, constraint: c } of addedConstraints(ctx)) {
      if (c.contype !== 'CONSTR_EXCLUSION') continue;
      ctx.report({
        location: c.location,
        message: `Adding an exclusion constraint to ${qualified(table)} builds its index and checks every row under an ACCESS EXCLUSIVE lock; exclusion constraints cannot be added NOT VALID.`,
        help: 'Add it when the table is created, or during a maintenance window; for large tables consider enforcing the rule in the application or with a trigger first.',
      });
    }
  },
};
