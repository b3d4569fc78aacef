import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { alterTableCmds } from '../rule-helpers.js';

/**
 * `ALTER COLUMN … DROP EXPRESSION`: a generated column becomes a plain one that nothing keeps up
 * to date. squawk: ban-drop-generated-expression.
 */
export const banDropGeneratedExpression: Rule = {
  id: 'ban-drop-generated-expression',
  severity: 'warning',
  hazard: 'compatibility',
  summary: 'DROP EXPRESSION turns a generated column into a plain one nobody updates',
  check(ctx) {
    for (const { table, cmd } of alterTableCmds(ctx.node)) {
      if (cmd.subtype !== 'AT_DropExpression' || ctx.state.isNewTable(table)) continue;
      ctx.report({
        message: `Dropping the generation expression of ${qualified(table)}.${ident(cmd.name ?? '')} turns it into a plain column: it keeps its current values but is no longer updated, and code that reads it as derived data silently gets stale values.`,
        help: 'Make sure every writer now sets the column itself (or a trigger does) before dropping the expression.',
      });
    }
  },
};
