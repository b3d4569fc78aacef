import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { alterTableCmds } from '../rule-helpers.js';

/**
 * `DROP COLUMN` on an existing table: running application code that still reads or writes the
 * column breaks, and the data is gone. squawk: ban-drop-column; strong_migrations: remove_column.
 */
export const banDropColumn: Rule = {
  id: 'ban-drop-column',
  severity: 'error',
  hazard: 'compatibility',
  summary: 'DROP COLUMN breaks code that still uses the column and loses its data',
  check(ctx) {
    for (const { table, cmd } of alterTableCmds(ctx.node)) {
      if (cmd.subtype !== 'AT_DropColumn' || ctx.state.isNewTable(table)) continue;
      ctx.report({
        message: `Dropping ${qualified(table)}.${ident(cmd.name ?? '')} breaks any running code that still selects or writes it (including ORMs that list every column), and its data cannot be recovered.`,
        help: 'First deploy code that no longer uses the column (ignore it in the ORM), then drop it in a later migration and acknowledge it with `-- sluice-ignore ban-drop-column: <why it is unused>`.',
      });
    }
  },
};
