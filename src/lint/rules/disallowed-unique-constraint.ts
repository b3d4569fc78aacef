import { columnConstraints, names } from '../ast.js';
import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { addedColumns, addedConstraints } from '../rule-helpers.js';

/**
 * A UNIQUE constraint added to an existing table without `USING INDEX`: the index is built under
 * ACCESS EXCLUSIVE. squawk: disallowed-unique-constraint; strong_migrations: add_unique_constraint.
 */
export const disallowedUniqueConstraint: Rule = {
  id: 'disallowed-unique-constraint',
  severity: 'error',
  hazard: 'lock',
  summary: 'ADD UNIQUE builds its index while blocking reads and writes',
  check(ctx) {
    const help =
      'Build the index with CREATE UNIQUE INDEX CONCURRENTLY (transaction:false), then add the constraint with UNIQUE USING INDEX, which only takes a brief lock.';
    for (const { table, constraint: c } of addedConstraints(ctx)) {
      if (c.contype !== 'CONSTR_UNIQUE' || c.indexname) continue;
      const cols = names(c.keys);
      const name = c.conname ?? `${table.split('.').pop()}_${cols.join('_')}_key`;
      ctx.report({
        location: c.location,
        message: `Adding a UNIQUE constraint to ${qualified(table)} builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes for the whole build.`,
        help,
        fix:
          `-- migrate:up transaction:false\n` +
          `CREATE UNIQUE INDEX CONCURRENTLY ${ident(name)} ON ${qualified(table)} (${cols.map(ident).join(', ')});\n` +
          `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${ident(name)} UNIQUE USING INDEX ${ident(name)};`,
      });
    }
    for (const { table, def } of addedColumns(ctx)) {
      const u = columnConstraints(def).find((c) => c.contype === 'CONSTR_UNIQUE');
      if (!u) continue;
      ctx.report({
        location: u.location ?? def.location,
        message: `Adding column ${ident(def.colname ?? '')} with UNIQUE to ${qualified(table)} builds the index under an ACCESS EXCLUSIVE lock.`,
        help: `Add the column without UNIQUE, then ${help.charAt(0).toLowerCase()}${help.slice(1)}`,
      });
    }
  },
};
