import { ident } from '../print.js';
import { columnTypeRule } from '../rule-helpers.js';

/** json has no equality operator (SELECT DISTINCT, UNION, GROUP BY fail) and no GIN indexing. strong_migrations: add_column_json. */
export const preferJsonb = columnTypeRule({
  id: 'prefer-jsonb',
  severity: 'warning',
  summary: 'json column instead of jsonb',
  match: (t) => t.name === 'json',
  message: (s) =>
    `Column ${ident(s.column)} is json: it has no equality operator, so SELECT DISTINCT, UNION and GROUP BY on rows containing it fail, and it cannot be GIN-indexed.`,
  help: () => 'Use jsonb: it has equality, GIN indexes and containment operators, and is stored parsed.',
});
