import type { Rule } from '../rule.js';

/** `TRUNCATE … CASCADE` also empties every table that references these, recursively. squawk: ban-truncate-cascade. */
export const banTruncateCascade: Rule = {
  id: 'ban-truncate-cascade',
  severity: 'error',
  summary: 'TRUNCATE CASCADE empties every referencing table too',
  check(ctx) {
    if (!('TruncateStmt' in ctx.node) || ctx.node.TruncateStmt.behavior !== 'DROP_CASCADE') return;
    ctx.report({
      message:
        'TRUNCATE … CASCADE also empties every table with a foreign key to these tables, and the tables referencing those, with no list of what goes.',
      help: 'Name every table to truncate explicitly and drop CASCADE: TRUNCATE fails instead if a table you did not name references them.',
    });
  },
};
