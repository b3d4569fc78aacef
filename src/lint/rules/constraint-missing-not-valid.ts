import { columnRefs } from '../ast.js';
import { lockStrength } from '../locks.js';
import { ident, printExpr, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { addedConstraints, alterTableCmds } from '../rule-helpers.js';

/**
 * A CHECK constraint added to an existing table with validation (ACCESS EXCLUSIVE while every
 * row is read), or a VALIDATE CONSTRAINT in the transaction that already holds a strong lock on
 * the table (typically the one that added it NOT VALID), which throws away the benefit.
 * Foreign keys are adding-foreign-key-constraint's. squawk: constraint-missing-not-valid;
 * strong_migrations: add_check_constraint, validate_check_constraint, validate_foreign_key.
 */
export const constraintMissingNotValid: Rule = {
  id: 'constraint-missing-not-valid',
  severity: 'error',
  hazard: 'lock',
  summary: 'CHECK constraint validated while blocking the table; VALIDATE in the same transaction',
  check(ctx) {
    for (const { table, constraint: c } of addedConstraints(ctx)) {
      if (c.contype !== 'CONSTR_CHECK' || c.skip_validation) continue;
      const cols = [...columnRefs(c.raw_expr)];
      const name = c.conname ?? `${table.split('.').pop()}_${cols.length === 1 ? `${cols[0]}_` : ''}check`;
      const expr = printExpr(c.raw_expr);
      const t = qualified(table);
      ctx.report({
        location: c.location,
        message: `Adding CHECK constraint ${ident(name)} to ${t} blocks reads and writes (ACCESS EXCLUSIVE) while every existing row is checked.`,
        help: 'Add the constraint with NOT VALID (only new rows are checked, the lock is brief), then VALIDATE CONSTRAINT in a later migration: validation takes SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.',
        fix:
          expr === undefined
            ? undefined
            : `ALTER TABLE ${t} ADD CONSTRAINT ${ident(name)} CHECK (${expr}) NOT VALID;\n` +
              `-- in a later migration:\n` +
              `ALTER TABLE ${t} VALIDATE CONSTRAINT ${ident(name)};`,
      });
    }
    const { state } = ctx;
    if (!state.inTransaction()) return;
    for (const { table, cmd } of alterTableCmds(ctx.node)) {
      if (cmd.subtype !== 'AT_ValidateConstraint' || state.isNewTable(table)) continue;
      const name = cmd.name ?? '';
      const held = state.heldLock(table);
      const sameTx = state.addedNotValidInTransaction(table, name);
      if (!sameTx && !(held && lockStrength(held) > lockStrength('SHARE UPDATE EXCLUSIVE'))) continue;
      const t = qualified(table);
      ctx.report({
        message: sameTx
          ? `Validating ${ident(name)} in the transaction that added it NOT VALID keeps that statement's lock on ${t} (blocking writes or reads) for the whole validation.`
          : `Validating ${ident(name)} while this transaction holds a ${held} lock on ${t} blocks other sessions for the whole validation.`,
        help: 'Validate in a separate migration (or after COMMIT), so the validation runs under its own SHARE UPDATE EXCLUSIVE lock only.',
        fix: `-- in a separate migration:\nALTER TABLE ${t} VALIDATE CONSTRAINT ${ident(name)};`,
      });
    }
  },
};
