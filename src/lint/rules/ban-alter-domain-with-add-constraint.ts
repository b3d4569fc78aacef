import type { Rule } from '../rule.js';

/**
 * ALTER DOMAIN … ADD CONSTRAINT without NOT VALID: every column of the domain, in every table, is
 * checked while locked. squawk: ban-alter-domain-with-add-constraint.
 */
export const banAlterDomainWithAddConstraint: Rule = {
  id: 'ban-alter-domain-with-add-constraint',
  severity: 'error',
  summary: 'ALTER DOMAIN ADD CONSTRAINT validates every column of the domain under lock',
  check(ctx) {
    if (!('AlterDomainStmt' in ctx.node)) return;
    const s = ctx.node.AlterDomainStmt;
    if (s.subtype !== 'C') return;
    const c = s.def && 'Constraint' in s.def ? s.def.Constraint : undefined;
    if (c?.skip_validation) return;
    ctx.report({
      location: c?.location,
      message:
        'Adding a constraint to a domain checks every value of every column that uses the domain, in every table, while blocking writes to them.',
      help: 'Add the constraint with NOT VALID, then VALIDATE CONSTRAINT in a later migration; better, put the check on the table columns.',
    });
  },
};
