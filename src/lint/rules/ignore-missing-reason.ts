import type { Rule } from '../rule.js';

/** An ignore comment without `: <reason>`: every acknowledged risk must say why it is acceptable. */
export const ignoreMissingReason: Rule = {
  id: 'ignore-missing-reason',
  severity: 'error',
  summary: 'sluice-ignore comment without a reason',
};
