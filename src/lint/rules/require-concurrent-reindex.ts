import type { Rule } from '../rule.js';
import { insertAfterWords, outsideTransaction } from '../rule-helpers.js';

/**
 * `REINDEX` without CONCURRENTLY (PostgreSQL 12+): blocks writes to the table and reads through
 * the index for the whole rebuild. squawk: require-concurrent-reindex.
 */
export const requireConcurrentReindex: Rule = {
  id: 'require-concurrent-reindex',
  severity: 'error',
  hazard: 'lock',
  summary: 'REINDEX without CONCURRENTLY blocks the table while it rebuilds',
  check(ctx) {
    if (!('ReindexStmt' in ctx.node) || ctx.state.pgVersion < 12) return;
    const s = ctx.node.ReindexStmt;
    if ((s.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently')) return;
    const rel = s.relation?.relname;
    if (rel && (ctx.state.isNewTable(rel) || ctx.state.isNewIndex(rel))) return;
    const edited = insertAfterWords(
      ctx.input.sql,
      [['reindex'], ['index', 'table', 'schema', 'database', 'system']],
      ' CONCURRENTLY',
      (n) =>
        'ReindexStmt' in n &&
        (n.ReindexStmt.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently'),
    );
    ctx.report({
      message:
        'REINDEX without CONCURRENTLY blocks writes to the table (and reads that use the index) until the rebuild ends.',
      help: 'Use REINDEX … CONCURRENTLY (PostgreSQL 12+), in a migration that runs outside a transaction.',
      fix: edited === undefined ? undefined : outsideTransaction(edited),
    });
  },
};
