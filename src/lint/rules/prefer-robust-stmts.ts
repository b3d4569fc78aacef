import { ident, qualified } from '../print.js';
import type { Rule, RuleContext } from '../rule.js';
import { alterTableCmds, insertAfterSomeWords, insertAfterWords, insertAt } from '../rule-helpers.js';

function report(ctx: RuleContext, what: string, fix: string | undefined, location?: number): void {
  ctx.report({
    location,
    message: `${what} fails if this migration is run again after a partial failure: outside a transaction, the statements before the failing one stay applied.`,
    help: 'Make the statement re-runnable: IF NOT EXISTS on CREATE and ADD COLUMN, IF EXISTS on DROP, DROP CONSTRAINT IF EXISTS before ADD CONSTRAINT.',
    fix: fix === undefined || fix.endsWith(';') ? fix : `${fix};`,
  });
}

/**
 * Statements that fail when re-run, in a migration that runs outside a transaction (where a
 * failure leaves the earlier statements applied). squawk: prefer-robust-stmts.
 */
export const preferRobustStmts: Rule = {
  id: 'prefer-robust-stmts',
  severity: 'warning',
  autofix: true,
  summary: 'Non-idempotent statement in a migration that runs outside a transaction',
  check(ctx) {
    // sluice's own statements: the runner never repeats one that took effect (see LintStatementInput).
    if (ctx.state.inTransaction() || ctx.input.generated) return;
    const { node } = ctx;
    const sql = ctx.input.sql;
    if ('CreateStmt' in node && !node.CreateStmt.if_not_exists) {
      const fix = insertAfterWords(
        sql,
        [['create'], ['unlogged', 'temp', 'temporary', ''], ['table']],
        ' IF NOT EXISTS',
        (n) => 'CreateStmt' in n && n.CreateStmt.if_not_exists === true,
      );
      report(ctx, 'CREATE TABLE without IF NOT EXISTS', fix);
    } else if ('IndexStmt' in node && !node.IndexStmt.if_not_exists && node.IndexStmt.idxname) {
      const fix = insertAfterWords(
        sql,
        [['create'], ['unique', ''], ['index'], ['concurrently', '']],
        ' IF NOT EXISTS',
        (n) => 'IndexStmt' in n && n.IndexStmt.if_not_exists === true,
      );
      report(ctx, 'CREATE INDEX without IF NOT EXISTS', fix);
    } else if ('DropStmt' in node && !node.DropStmt.missing_ok) {
      const type = node.DropStmt.removeType;
      const fix = insertAfterSomeWords(
        sql,
        ' IF EXISTS',
        (n) => 'DropStmt' in n && n.DropStmt.missing_ok === true && n.DropStmt.removeType === type,
      );
      report(ctx, 'DROP without IF EXISTS', fix);
    }
    alterTableCmds(node).forEach(({ table, cmd }, i) => {
      const c = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
      if (cmd.subtype === 'AT_AddColumn' && !cmd.missing_ok && cmd.def && 'ColumnDef' in cmd.def) {
        const loc = cmd.def.ColumnDef.location;
        const fix =
          loc === undefined
            ? undefined
            : insertAt(sql, ctx.toIndex(loc), 'IF NOT EXISTS ', (n) => {
                const cmds = 'AlterTableStmt' in n ? n.AlterTableStmt.cmds : undefined;
                const again = cmds?.[i];
                return (
                  again !== undefined && 'AlterTableCmd' in again && again.AlterTableCmd.missing_ok === true
                );
              });
        report(ctx, 'ADD COLUMN without IF NOT EXISTS', fix, loc);
      } else if (cmd.subtype === 'AT_DropColumn' && !cmd.missing_ok) {
        report(ctx, 'DROP COLUMN without IF EXISTS', undefined);
      } else if (cmd.subtype === 'AT_DropConstraint' && !cmd.missing_ok) {
        report(ctx, 'DROP CONSTRAINT without IF EXISTS', undefined);
      } else if (
        cmd.subtype === 'AT_AddConstraint' &&
        c?.conname &&
        !ctx.state.droppedConstraintIfExists(table, c.conname)
      ) {
        const fix = `ALTER TABLE ${qualified(table)} DROP CONSTRAINT IF EXISTS ${ident(c.conname)};\n${sql};`;
        report(ctx, 'ADD CONSTRAINT without a DROP CONSTRAINT IF EXISTS before it', fix, c.location);
      }
    });
  },
};
