import type { Rule } from '../rule.js';

/** An ignore comment that names no rule, or a rule id sluice does not have. */
export const ignoreUnknownRule: Rule = {
  id: 'ignore-unknown-rule',
  severity: 'error',
  summary: 'sluice-ignore comment naming an unknown rule',
};
