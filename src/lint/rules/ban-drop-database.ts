import type { Rule } from '../rule.js';

/** `DROP DATABASE` in a migration. squawk: ban-drop-database. */
export const banDropDatabase: Rule = {
  id: 'ban-drop-database',
  severity: 'error',
  summary: 'DROP DATABASE in a migration',
  check(ctx) {
    if (!('DropdbStmt' in ctx.node)) return;
    ctx.report({
      message: `Dropping database ${ctx.node.DropdbStmt.dbname ?? ''} from a migration destroys every table in it.`,
      help: 'Drop databases by hand, with a backup, outside the migration history.',
    });
  },
};
