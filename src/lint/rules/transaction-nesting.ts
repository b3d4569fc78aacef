import type { Rule } from '../rule.js';

/**
 * BEGIN / COMMIT / ROLLBACK written in a migration the runner already wraps in a transaction
 * (the written COMMIT would end the runner's transaction early), or a BEGIN inside a BEGIN.
 * squawk: transaction-nesting.
 */
export const transactionNesting: Rule = {
  id: 'transaction-nesting',
  severity: 'error',
  summary: 'BEGIN/COMMIT inside the transaction the runner manages',
  check(ctx) {
    if (!('TransactionStmt' in ctx.node)) return;
    const kind = ctx.node.TransactionStmt.kind;
    const begin = kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START';
    const end = kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK';
    const { state } = ctx;
    if (state.runnerTransaction && (begin || end)) {
      ctx.report({
        message: `${ctx.analysis.kind} in a migration that sluice already runs in a transaction: ${
          end
            ? 'it ends that transaction early, so later statements run outside it'
            : 'PostgreSQL ignores it with a warning'
        } and the migration is no longer atomic.`,
        help: 'Remove BEGIN/COMMIT: sluice runs each migration in its own transaction. For statements that need their own transactions, use `-- migrate:up transaction:false` and write them yourself.',
      });
    } else if (begin && state.openBegin !== null) {
      ctx.report({
        message:
          'BEGIN inside an open transaction block: PostgreSQL ignores it, and the first COMMIT ends the outer transaction.',
        help: 'Use SAVEPOINT for nested work, or COMMIT before the next BEGIN.',
      });
    }
  },
};
