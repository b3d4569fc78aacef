import { lockStrength } from '../locks.js';
import type { Rule } from '../rule.js';

/**
 * A statement that takes a lock blocking other sessions, with no `SET lock_timeout` before it:
 * while it waits for its lock, every query behind it waits too. Off by default because sluice's
 * runner always sets lock_timeout (config `lockTimeout`); turn it on when the same SQL is also
 * applied by other tools. squawk: require-lock-timeout (part of require-timeout-settings).
 */
export const requireLockTimeout: Rule = {
  id: 'require-lock-timeout',
  severity: 'error',
  hazard: 'lock',
  defaultOff: true,
  summary: 'Blocking lock taken with no lock_timeout set',
  check(ctx) {
    const { state, analysis } = ctx;
    if (state.lockTimeoutSet) return;
    const lock = analysis.locks.find(
      (l) => lockStrength(l.mode) >= lockStrength('SHARE') && (l.isIndex || !state.isNewTable(l.table)),
    );
    if (!lock) return;
    // Once per migration: the first statement that needs it.
    if (!state.once('require-lock-timeout')) return;
    ctx.report({
      message: `${analysis.kind} takes a ${lock.mode} lock on ${lock.table} with no lock_timeout: if it has to wait, every query queued behind it waits too.`,
      help: 'Set lock_timeout at the top of the migration so a blocked statement fails fast and can be retried.',
      fix: "SET lock_timeout = '5s';",
    });
  },
};
