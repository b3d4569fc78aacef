/**
 * `addColumn`: the column is added under a temporary name (invisible to the old version), with its
 * NOT NULL and checks as `NOT VALID` constraints and foreign keys `NOT VALID`; `up` fills it for rows
 * the old version writes and for existing rows (backfill). A unique index is built CONCURRENTLY
 * after the backfill. `complete` validates, sets NOT NULL from the validated check, attaches the
 * unique constraint and renames the column into place.
 */
import { ident, raw, sql } from '../../sql/tag.js';
import { hasVolatileCall, renameInExpression } from '../expr.js';
import { tempName } from '../names.js';
import type { OperationHandler } from '../operation.js';
import type { AddColumnOp } from '../types.js';
import {
  addConstraintNotValid,
  columnDdl,
  missing,
  setNotNullViaCheck,
  validateConstraint,
} from './common.js';

/**
 * @example
 * op.addColumn('users', { name: 'full_name', type: 'text', up: "first_name || ' ' || last_name" })
 */
export function addColumn(table: string, column: AddColumnOp['column']): AddColumnOp {
  return { kind: 'addColumn', table, column };
}

interface Resolved {
  table: string;
  temp: string;
  notNullCheck: string;
}

export const addColumnHandler: OperationHandler<AddColumnOp, Resolved> = {
  kind: 'addColumn',
  check(op) {
    const c = op.column ?? ({} as AddColumnOp['column']);
    const m = missing({ table: op.table, 'column.name': c.name, 'column.type': c.type });
    if (m) return m;
    if (c.default && hasVolatileCall(c.default)) {
      return `its default \`${c.default}\` is volatile, which rewrites the table under an ACCESS EXCLUSIVE lock; use \`up: ${JSON.stringify(c.default)}\` instead (it fills existing rows in batches)`;
    }
    if (c.notNull && !c.default && !c.up) {
      return 'a NOT NULL column needs a `default` or an `up` expression, or the old version could not insert rows';
    }
    return null;
  },
  plan(op, b) {
    const t = b.table(op.table);
    b.free(t, op.column.name);
    const temp = tempName(op.column.name);
    b.touch(t, temp);
    t.newColumns.push({ name: op.column.name, physical: temp });
    t.tempColumns.push(temp);
    t.tempTypes = { ...t.tempTypes, [temp]: op.column.type };
    const source = `addColumn ${op.table}.${op.column.name} (up)`;
    if (op.column.up) t.up.push({ target: temp, expr: op.column.up, on: 'always', source });
    return { table: t.physical, temp, notNullCheck: tempName(op.column.name, 'nn') };
  },
  async expand(op, r, x) {
    const c = op.column;
    const table = ident(x.plan.schema, r.table);
    await x.run(
      sql`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${ident(r.temp)} ${columnDdl(c.type, c.default)}`,
    );
    if (c.notNull)
      await addConstraintNotValid(x, r.table, r.notNullCheck, sql`CHECK (${ident(r.temp)} IS NOT NULL)`);
    if (c.check) {
      const expr = renameInExpression(c.check.expr, c.name, r.temp);
      await addConstraintNotValid(x, r.table, c.check.name, sql`CHECK (${raw(expr)})`);
    }
    if (c.references) {
      const f = c.references;
      const onDelete = f.onDelete ? raw(` ON DELETE ${f.onDelete}`) : raw('');
      await addConstraintNotValid(
        x,
        r.table,
        f.name,
        sql`FOREIGN KEY (${ident(r.temp)}) REFERENCES ${ident(x.plan.schema, f.table)} (${ident(f.column)})${onDelete}`,
      );
    }
  },
  async build(op, r, x) {
    if (!op.column.unique) return;
    const name = op.column.unique.name;
    await x.buildIndex(
      name,
      sql`CREATE UNIQUE INDEX CONCURRENTLY ${ident(name)} ON ${ident(x.plan.schema, r.table)} (${ident(r.temp)})`,
    );
  },
  async validate(op, r, x) {
    if (op.column.notNull) await validateConstraint(x, r.table, r.notNullCheck);
    if (op.column.check) await validateConstraint(x, r.table, op.column.check.name);
    if (op.column.references) await validateConstraint(x, r.table, op.column.references.name);
  },
  async contract(op, r, x) {
    if (!(await x.columnExists(r.table, r.temp))) return;
    const table = ident(x.plan.schema, r.table);
    if (op.column.notNull) await setNotNullViaCheck(x, r.table, r.temp, r.notNullCheck);
    if (op.column.unique) {
      const u = ident(op.column.unique.name);
      await x.run(sql`ALTER TABLE ${table} ADD CONSTRAINT ${u} UNIQUE USING INDEX ${u}`);
    }
    await x.run(sql`ALTER TABLE ${table} RENAME COLUMN ${ident(r.temp)} TO ${ident(op.column.name)}`);
  },
  async rollback(_op, r, x) {
    // Dropping the column drops its constraints and indexes with it (catalog-only).
    await x.run(sql`ALTER TABLE ${ident(x.plan.schema, r.table)} DROP COLUMN IF EXISTS ${ident(r.temp)}`);
  },
};
