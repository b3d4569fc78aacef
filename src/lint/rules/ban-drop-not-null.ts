import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { alterTableCmds } from '../rule-helpers.js';

/** `DROP NOT NULL`: code that assumes the column is never null breaks on the first NULL. squawk: ban-drop-not-null. */
export const banDropNotNull: Rule = {
  id: 'ban-drop-not-null',
  severity: 'warning',
  hazard: 'compatibility',
  summary: 'DROP NOT NULL breaks readers that assume a value',
  check(ctx) {
    for (const { table, cmd } of alterTableCmds(ctx.node)) {
      if (cmd.subtype !== 'AT_DropNotNull' || ctx.state.isNewTable(table)) continue;
      ctx.report({
        message: `Dropping NOT NULL on ${qualified(table)}.${ident(cmd.name ?? '')} lets NULLs in, which breaks readers (and typed clients) that assume a value.`,
        help: 'Make sure every reader handles NULL before deploying this, then acknowledge with `-- sluice-ignore ban-drop-not-null: <reason>`.',
      });
    }
  },
};
