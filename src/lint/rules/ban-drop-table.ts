import { dropObjectNames } from '../ast.js';
import { qualified } from '../print.js';
import type { Rule } from '../rule.js';

/** `DROP TABLE` of a table this migration did not create: breaks its users, loses its data. squawk: ban-drop-table. */
export const banDropTable: Rule = {
  id: 'ban-drop-table',
  severity: 'error',
  hazard: 'compatibility',
  summary: 'DROP TABLE breaks code that still uses the table and loses its data',
  check(ctx) {
    if (!('DropStmt' in ctx.node) || ctx.node.DropStmt.removeType !== 'OBJECT_TABLE') return;
    const tables = dropObjectNames(ctx.node.DropStmt.objects).filter((t) => !ctx.state.isNewTable(t));
    if (tables.length === 0) return;
    ctx.report({
      message: `Dropping ${tables.map(qualified).join(', ')} breaks any running code that still uses ${tables.length > 1 ? 'them' : 'it'}, and the data cannot be recovered.`,
      help: 'Deploy code that no longer uses the table first; consider renaming it aside for a release before dropping. Acknowledge with `-- sluice-ignore ban-drop-table: <reason>`.',
    });
  },
};
