import { columnConstraints, names } from '../ast.js';
import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { addedColumns, addedConstraints } from '../rule-helpers.js';

/**
 * A primary key added to an existing table without `USING INDEX`: the unique index is built
 * under an ACCESS EXCLUSIVE lock. squawk: adding-serial-primary-key-field.
 */
export const addingSerialPrimaryKeyField: Rule = {
  id: 'adding-serial-primary-key-field',
  severity: 'error',
  hazard: 'lock',
  summary: 'ADD PRIMARY KEY builds its index while blocking reads and writes',
  check(ctx) {
    const help =
      'Build the unique index with CREATE UNIQUE INDEX CONCURRENTLY (transaction:false), then add the primary key with USING INDEX: that only takes a brief lock. The columns must already be NOT NULL.';
    for (const { table, constraint: c } of addedConstraints(ctx)) {
      if (c.contype !== 'CONSTR_PRIMARY' || c.indexname) continue;
      const cols = names(c.keys);
      const name = c.conname ?? `${table.split('.').pop()}_pkey`;
      ctx.report({
        location: c.location,
        message: `Adding a primary key to ${qualified(table)} builds a unique index while holding an ACCESS EXCLUSIVE lock, blocking reads and writes for the whole build.`,
        help,
        fix:
          `-- migrate:up transaction:false\n` +
          `CREATE UNIQUE INDEX CONCURRENTLY ${ident(name)} ON ${qualified(table)} (${cols.map(ident).join(', ')});\n` +
          `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${ident(name)} PRIMARY KEY USING INDEX ${ident(name)};`,
      });
    }
    for (const { table, def } of addedColumns(ctx)) {
      const pk = columnConstraints(def).find((c) => c.contype === 'CONSTR_PRIMARY');
      if (!pk) continue;
      ctx.report({
        location: pk.location ?? def.location,
        message: `Adding column ${ident(def.colname ?? '')} as PRIMARY KEY to ${qualified(table)} fills and indexes it while holding an ACCESS EXCLUSIVE lock.`,
        help,
      });
    }
  },
};
