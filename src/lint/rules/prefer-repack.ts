import type { Rule } from '../rule.js';

/**
 * `VACUUM FULL` and `CLUSTER` rewrite the table under ACCESS EXCLUSIVE for their whole run.
 * squawk: prefer-repack.
 */
export const preferRepack: Rule = {
  id: 'prefer-repack',
  severity: 'error',
  hazard: 'lock',
  summary: 'VACUUM FULL or CLUSTER: the table is locked for the whole rewrite',
  check(ctx) {
    const kind = ctx.analysis.kind;
    if (kind !== 'VACUUM FULL' && kind !== 'CLUSTER') return;
    ctx.report({
      message: `${kind} rewrites the table while holding an ACCESS EXCLUSIVE lock: no reads or writes until it finishes.`,
      help: 'Use pg_repack (or pg_squeeze), which rebuilds the table online and only locks briefly at the end; run it outside migrations.',
    });
  },
};
