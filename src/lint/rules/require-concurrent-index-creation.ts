import { relationName } from '../ast.js';
import { qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { insertAfterWords, outsideTransaction } from '../rule-helpers.js';

/**
 * `CREATE INDEX` without CONCURRENTLY on an existing table: a SHARE lock blocks writes for the
 * whole build. squawk: require-concurrent-index-creation; strong_migrations: add_index.
 */
export const requireConcurrentIndexCreation: Rule = {
  id: 'require-concurrent-index-creation',
  severity: 'error',
  hazard: 'lock',
  summary: 'CREATE INDEX without CONCURRENTLY blocks writes while the index builds',
  check(ctx) {
    if (!('IndexStmt' in ctx.node)) return;
    const s = ctx.node.IndexStmt;
    const table = relationName(s.relation);
    if (s.concurrent || ctx.state.isNewTable(table)) return;
    const edited = insertAfterWords(
      ctx.input.sql,
      [['create'], ['unique', ''], ['index']],
      ' CONCURRENTLY',
      (n) => 'IndexStmt' in n && n.IndexStmt.concurrent === true,
    );
    ctx.report({
      message: `Creating an index on ${qualified(table)} without CONCURRENTLY takes a SHARE lock that blocks writes (INSERT, UPDATE, DELETE) until the index is built.`,
      help: 'Use CREATE INDEX CONCURRENTLY, in a migration that runs outside a transaction (`-- migrate:up transaction:false`, or `transaction: false` in a TypeScript migration).',
      fix: edited === undefined ? undefined : outsideTransaction(edited),
    });
  },
};
