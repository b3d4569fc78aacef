import type { Rule } from '../rule.js';

/** A statement PostgreSQL's parser rejects. Reported by the linter itself, never swallowed. */
export const syntaxError: Rule = {
  id: 'syntax-error',
  severity: 'error',
  summary: 'The statement does not parse',
};
