import type { Rule } from '../rule.js';
import { outsideTransaction } from '../rule-helpers.js';

/**
 * `CREATE INDEX CONCURRENTLY` inside a transaction block: PostgreSQL refuses it, so the migration
 * fails. squawk: ban-concurrent-index-creation-in-transaction.
 */
export const banConcurrentIndexCreationInTransaction: Rule = {
  id: 'ban-concurrent-index-creation-in-transaction',
  severity: 'error',
  summary: 'CREATE INDEX CONCURRENTLY inside a transaction fails',
  check(ctx) {
    if (!('IndexStmt' in ctx.node) || !ctx.node.IndexStmt.concurrent || !ctx.state.inTransaction()) return;
    ctx.report({
      message:
        'CREATE INDEX CONCURRENTLY cannot run inside a transaction block: PostgreSQL rejects it and the migration fails.',
      help: 'Put the statement in a migration that runs outside a transaction: `-- migrate:up transaction:false` in SQL, `transaction: false` in TypeScript (and no BEGIN around it).',
      fix: outsideTransaction(ctx.input.sql),
    });
  },
};
