import type { Rule } from '../rule.js';

/**
 * `ALTER TYPE … ADD VALUE` without BEFORE or AFTER appends the value last, which changes the
 * meaning of comparisons on an ordered enum. squawk: require-enum-value-ordering.
 */
export const requireEnumValueOrdering: Rule = {
  id: 'require-enum-value-ordering',
  severity: 'warning',
  summary: 'ALTER TYPE ADD VALUE without BEFORE/AFTER',
  check(ctx) {
    if (!('AlterEnumStmt' in ctx.node)) return;
    const s = ctx.node.AlterEnumStmt;
    if (s.oldVal || !s.newVal || s.newValNeighbor) return;
    ctx.report({
      message: `The new enum value '${s.newVal}' goes after every existing value: comparisons such as status < 'x' and ORDER BY now place it last, which may not be what the order means.`,
      help: "Say where it goes: ADD VALUE 'new' BEFORE 'existing' (or AFTER).",
    });
  },
};
