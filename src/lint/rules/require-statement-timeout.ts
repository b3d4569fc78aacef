import type { Rule } from '../rule.js';

/**
 * A statement that scans or rewrites a table while holding its lock, with no
 * `SET statement_timeout` before it. Off by default (sluice's runner applies the configured
 * timeouts). squawk: require-statement-timeout (part of require-timeout-settings).
 */
export const requireStatementTimeout: Rule = {
  id: 'require-statement-timeout',
  severity: 'warning',
  hazard: 'lock',
  defaultOff: true,
  summary: 'Long-running statement with no statement_timeout set',
  check(ctx) {
    const { state, analysis } = ctx;
    if (state.statementTimeoutSet || !(analysis.scans || analysis.rewrites) || analysis.locks.length === 0)
      return;
    if (analysis.locks.every((l) => !l.isIndex && state.isNewTable(l.table))) return;
    if (!state.once('require-statement-timeout')) return;
    ctx.report({
      message: `${analysis.kind} reads or rewrites a whole table with no statement_timeout: it can hold its lock for as long as the table takes.`,
      help: 'Set statement_timeout at the top of the migration to bound how long it may hold locks.',
      fix: "SET statement_timeout = '5min';",
    });
  },
};
