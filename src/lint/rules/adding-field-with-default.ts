import { serialBaseType } from '../../dialects/postgres/serial-types.js';
import { addColumnRewriteReason } from '../analyze-alter.js';
import { columnConstraints, typeInfo, typeSql } from '../ast.js';
import { ident, printExpr, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { addedColumns } from '../rule-helpers.js';

/**
 * `ADD COLUMN` that rewrites the table: a volatile default (or any default before PostgreSQL 11),
 * a stored generated column, a serial or identity column. squawk: adding-field-with-default;
 * strong_migrations: add_column_default, add_column_generated_stored, add_column_auto_incrementing.
 */
export const addingFieldWithDefault: Rule = {
  id: 'adding-field-with-default',
  severity: 'error',
  hazard: 'lock',
  summary: 'ADD COLUMN whose default, generated value or sequence rewrites the table',
  check(ctx) {
    for (const { table, def } of addedColumns(ctx)) {
      const reason = addColumnRewriteReason(def, ctx.state.pgVersion);
      if (!reason) continue;
      const cons = columnConstraints(def);
      const dflt = cons.find((c) => c.contype === 'CONSTR_DEFAULT');
      const column = ident(def.colname ?? '');
      const type = typeInfo(def.typeName);
      const expr = dflt ? printExpr(dflt.raw_expr) : undefined;
      const plainType = typeSql({ ...type, name: serialBaseType(type.name) ?? type.name });
      let fix: string | undefined;
      if (dflt && expr !== undefined) {
        fix =
          `ALTER TABLE ${qualified(table)} ADD COLUMN ${column} ${plainType};\n` +
          `ALTER TABLE ${qualified(table)} ALTER COLUMN ${column} SET DEFAULT ${expr};\n` +
          `-- then fill existing rows in batches outside this transaction, e.g.\n` +
          `-- UPDATE ${qualified(table)} SET ${column} = ${expr} WHERE ${column} IS NULL AND <batch condition>;`;
      }
      ctx.report({
        location: dflt?.raw_expr ? locationOf(dflt.raw_expr) : def.location,
        message: `Adding column ${column} to ${qualified(table)} rewrites the whole table under an ACCESS EXCLUSIVE lock (blocking reads and writes): ${reason}.`,
        help: 'Add the column without the default (or as a plain nullable column), set the default in a second statement so only new rows get it, then backfill existing rows in batches.',
        fix,
      });
    }
  },
};

function locationOf(node: object): number | undefined {
  for (const key in node) {
    const inner = (node as Record<string, { location?: number }>)[key];
    if (inner && typeof inner.location === 'number' && inner.location >= 0) return inner.location;
  }
  return undefined;
}
