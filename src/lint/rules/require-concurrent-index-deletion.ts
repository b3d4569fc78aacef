import { dropObjectNames } from '../ast.js';
import { qualified } from '../print.js';
import type { Rule } from '../rule.js';

/**
 * `DROP INDEX` without CONCURRENTLY: ACCESS EXCLUSIVE on the index's table, which also waits
 * behind every running query on it. squawk: require-concurrent-index-deletion; strong_migrations: remove_index.
 */
export const requireConcurrentIndexDeletion: Rule = {
  id: 'require-concurrent-index-deletion',
  severity: 'error',
  hazard: 'lock',
  summary: 'DROP INDEX without CONCURRENTLY blocks reads and writes on the table',
  check(ctx) {
    if (!('DropStmt' in ctx.node)) return;
    const s = ctx.node.DropStmt;
    if (s.removeType !== 'OBJECT_INDEX' || s.concurrent) return;
    const indexes = dropObjectNames(s.objects).filter((i) => !ctx.state.isNewIndex(i));
    if (indexes.length === 0) return;
    const fix = indexes.map((i) => `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(i)}`).join(';\n');
    ctx.report({
      message: `Dropping ${indexes.map(qualified).join(', ')} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, blocking reads and writes (and queueing behind running queries).`,
      help: 'Use DROP INDEX CONCURRENTLY (one index per statement, no CASCADE), in a migration that runs outside a transaction.',
      fix: `-- migrate:up transaction:false\n${fix};`,
    });
  },
};
