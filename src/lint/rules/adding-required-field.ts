import { isSerialType } from '../../dialects/postgres/serial-types.js';
import { columnConstraints, typeInfo, typeSql } from '../ast.js';
import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { addedColumns } from '../rule-helpers.js';
import { isNullConstant } from '../volatility.js';

/**
 * `ADD COLUMN … NOT NULL` without a default on an existing table: fails as soon as the table
 * has a row (and scans it under ACCESS EXCLUSIVE to find out). squawk: adding-required-field.
 */
export const addingRequiredField: Rule = {
  id: 'adding-required-field',
  severity: 'error',
  hazard: 'compatibility',
  summary: 'NOT NULL column without a default: fails on a table that has rows',
  check(ctx) {
    for (const { table, def } of addedColumns(ctx)) {
      const cons = columnConstraints(def);
      const notNull = cons.find((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      if (!notNull) continue;
      const filled = cons.some(
        (c) =>
          (c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr)) ||
          c.contype === 'CONSTR_IDENTITY' ||
          c.contype === 'CONSTR_GENERATED',
      );
      if (filled || isSerialType(typeInfo(def.typeName).name)) continue;
      const column = ident(def.colname ?? '');
      ctx.report({
        location: notNull.location ?? def.location,
        message: `Adding NOT NULL column ${column} without a default to ${qualified(table)} fails if the table has any row.`,
        help: 'Add the column as nullable (or with a constant default, free from PostgreSQL 11), backfill it, then make it NOT NULL through a validated CHECK constraint (see adding-not-nullable-field).',
        fix: `ALTER TABLE ${qualified(table)} ADD COLUMN ${column} ${typeSql(typeInfo(def.typeName))};`,
      });
    }
  },
};
