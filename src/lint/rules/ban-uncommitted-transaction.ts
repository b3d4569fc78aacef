import type { Rule } from '../rule.js';

/**
 * A BEGIN with no COMMIT before the migration ends: the runner's session is left inside an
 * open transaction. squawk: ban-uncommitted-transaction.
 */
export const banUncommittedTransaction: Rule = {
  id: 'ban-uncommitted-transaction',
  severity: 'error',
  summary: 'BEGIN without a matching COMMIT',
  finish(ctx) {
    const { state } = ctx;
    if (state.openBegin === null || state.runnerTransaction) return;
    ctx.report({
      statementIndex: state.openBegin,
      message:
        'This transaction is never committed: the migration ends with it open, and its changes are rolled back or left holding locks.',
      help: 'Add COMMIT after the last statement of the block.',
      fix: 'COMMIT;',
    });
  },
};
