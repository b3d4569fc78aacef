import type { Rule } from '../rule.js';
import { outsideTransaction } from '../rule-helpers.js';

/**
 * A statement PostgreSQL refuses inside a transaction block (DROP INDEX / REINDEX / DETACH
 * PARTITION … CONCURRENTLY, VACUUM, CREATE DATABASE, ALTER SYSTEM, ALTER TYPE … ADD VALUE before
 * 12) in a migration that runs in one. CREATE INDEX CONCURRENTLY is squawk's
 * ban-concurrent-index-creation-in-transaction.
 */
export const nonTransactionalStatementInTransaction: Rule = {
  id: 'non-transactional-statement-in-transaction',
  severity: 'error',
  summary: 'A statement that cannot run inside a transaction block, in a transactional migration',
  check(ctx) {
    const { analysis, node } = ctx;
    if (analysis.transactional || !ctx.state.inTransaction()) return;
    if ('IndexStmt' in node || 'TransactionStmt' in node) return;
    ctx.report({
      message: `${analysis.kind} cannot run inside a transaction block: PostgreSQL rejects it and the migration fails.`,
      help: 'Put the statement in a migration that runs outside a transaction: `-- migrate:up transaction:false` in SQL, `transaction: false` in TypeScript.',
      fix: outsideTransaction(ctx.input.sql),
    });
  },
};
