import type { Rule } from '../rule.js';

/** An ignore comment that suppressed nothing (the problem is gone, or it names the wrong rule). squawk: unused-ignore. */
export const unusedIgnore: Rule = {
  id: 'unused-ignore',
  severity: 'warning',
  summary: 'sluice-ignore comment that matches no finding',
};
