import type { Rule } from '../rule.js';

/**
 * CREATE DOMAIN with a CHECK: changing that check later scans every column of the domain under
 * lock, and columns of the domain cannot be added without a scan. squawk: ban-create-domain-with-constraint.
 */
export const banCreateDomainWithConstraint: Rule = {
  id: 'ban-create-domain-with-constraint',
  severity: 'warning',
  summary: 'Domain with a CHECK constraint',
  check(ctx) {
    if (!('CreateDomainStmt' in ctx.node)) return;
    const check = (ctx.node.CreateDomainStmt.constraints ?? []).find(
      (c) => 'Constraint' in c && c.Constraint.contype === 'CONSTR_CHECK',
    );
    if (!check || !('Constraint' in check)) return;
    ctx.report({
      location: check.Constraint.location,
      message:
        'A domain with a CHECK constraint is hard to change online: altering the check validates every column of the domain in every table while holding locks.',
      help: 'Put the CHECK on the table columns instead (they can be replaced NOT VALID and validated without blocking), or use a domain without constraints.',
    });
  },
};
