import type { Constraint } from 'libpg-query';
import { columnConstraints, names, relationName, typeInfo, typeSql } from '../ast.js';
import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { addedColumns, addedConstraints } from '../rule-helpers.js';

const ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** The FOREIGN KEY clause of a constraint as SQL (without NOT VALID). */
function foreignKeySql(c: Constraint, columns: string[]): string {
  const ref = relationName(c.pktable);
  const pk = names(c.pk_attrs);
  let sql = `FOREIGN KEY (${columns.map(ident).join(', ')}) REFERENCES ${qualified(ref)}`;
  if (pk.length > 0) sql += ` (${pk.map(ident).join(', ')})`;
  if (c.fk_matchtype === 'f') sql += ' MATCH FULL';
  const del = ACTIONS[c.fk_del_action ?? ''];
  const upd = ACTIONS[c.fk_upd_action ?? ''];
  if (del) sql += ` ON DELETE ${del}`;
  if (upd) sql += ` ON UPDATE ${upd}`;
  if (c.deferrable) sql += c.initdeferred ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE';
  return sql;
}

function fixFor(table: string, c: Constraint, columns: string[]): string {
  const name = c.conname ?? `${table.split('.').pop()}_${columns.join('_')}_fkey`;
  return (
    `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${ident(name)} ${foreignKeySql(c, columns)} NOT VALID;\n` +
    `-- in a later migration (its own transaction):\n` +
    `ALTER TABLE ${qualified(table)} VALIDATE CONSTRAINT ${ident(name)};`
  );
}

/**
 * A foreign key added to an existing table with validation: SHARE ROW EXCLUSIVE on both tables
 * while every row is checked. squawk: adding-foreign-key-constraint; strong_migrations: add_foreign_key.
 */
export const addingForeignKeyConstraint: Rule = {
  id: 'adding-foreign-key-constraint',
  severity: 'error',
  hazard: 'lock',
  summary: 'Foreign key added with validation: blocks writes on both tables while every row is checked',
  check(ctx) {
    const help =
      'Add the foreign key with NOT VALID (new rows are checked at once, the lock is brief), then VALIDATE CONSTRAINT in a later migration: validation takes only SHARE UPDATE EXCLUSIVE.';
    for (const { table, constraint: c } of addedConstraints(ctx)) {
      if (c.contype !== 'CONSTR_FOREIGN' || c.skip_validation) continue;
      const ref = relationName(c.pktable);
      ctx.report({
        location: c.location,
        message: `Adding a foreign key to ${qualified(table)} takes SHARE ROW EXCLUSIVE locks on ${qualified(table)} and ${qualified(ref)}, blocking writes to both while every existing row is validated.`,
        help,
        fix: fixFor(table, c, names(c.fk_attrs)),
      });
    }
    for (const { table, def } of addedColumns(ctx)) {
      for (const c of columnConstraints(def)) {
        if (c.contype !== 'CONSTR_FOREIGN' || c.skip_validation) continue;
        const ref = relationName(c.pktable);
        const column = def.colname ?? '';
        ctx.report({
          location: c.location,
          message: `Adding column ${ident(column)} with REFERENCES ${qualified(ref)} locks ${qualified(ref)} against writes and scans ${qualified(table)} under an ACCESS EXCLUSIVE lock.`,
          help: `Add the column without REFERENCES, then add the foreign key with NOT VALID and validate it in a later migration.`,
          fix: `ALTER TABLE ${qualified(table)} ADD COLUMN ${ident(column)} ${typeSql(typeInfo(def.typeName))};\n${fixFor(table, c, [column])}`,
        });
      }
    }
  },
};
