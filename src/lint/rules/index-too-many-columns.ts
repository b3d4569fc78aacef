import { relationName } from '../ast.js';
import { qualified } from '../print.js';
import type { Rule } from '../rule.js';

/**
 * A non-unique index on more than three columns rarely pays for its size and write cost.
 * strong_migrations: add_index_columns.
 */
export const indexTooManyColumns: Rule = {
  id: 'index-too-many-columns',
  severity: 'warning',
  summary: 'Non-unique index with more than three columns',
  check(ctx) {
    if (!('IndexStmt' in ctx.node)) return;
    const s = ctx.node.IndexStmt;
    const count = s.indexParams?.length ?? 0;
    if (s.unique || count <= 3) return;
    ctx.report({
      message: `This non-unique index on ${qualified(relationName(s.relation))} has ${count} columns; indexes wider than three columns rarely speed up queries and cost space and write time.`,
      help: 'Start the index with the columns that narrow results the most and keep it to three or fewer; use INCLUDE for columns only needed for index-only scans.',
    });
  },
};
