import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { alterTableCmds } from '../rule-helpers.js';

/**
 * `ALTER COLUMN … DROP DEFAULT` on an existing table: inserts that leave the column out now write
 * NULL, or fail on a NOT NULL column. squawk: ban-drop-default.
 */
export const banDropDefault: Rule = {
  id: 'ban-drop-default',
  severity: 'warning',
  hazard: 'compatibility',
  summary: 'DROP DEFAULT breaks inserts that leave the column out',
  check(ctx) {
    for (const { table, cmd } of alterTableCmds(ctx.node)) {
      if (cmd.subtype !== 'AT_ColumnDefault' || cmd.def || ctx.state.isNewTable(table)) continue;
      ctx.report({
        message: `Dropping the default of ${qualified(table)}.${ident(cmd.name ?? '')}: inserts that leave the column out now write NULL, or fail if it is NOT NULL.`,
        help: 'Deploy code that always sets the column first, then drop the default in a later migration.',
      });
    }
  },
};
