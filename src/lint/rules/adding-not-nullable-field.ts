import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { alterTableCmds } from '../rule-helpers.js';

/**
 * `ALTER COLUMN … SET NOT NULL` on an existing table: ACCESS EXCLUSIVE while every row is
 * checked, unless (PostgreSQL 12+) a validated `CHECK (col IS NOT NULL)` already proves it.
 * squawk: adding-not-nullable-field; strong_migrations: change_column_null.
 */
export const addingNotNullableField: Rule = {
  id: 'adding-not-nullable-field',
  severity: 'error',
  hazard: 'lock',
  summary: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock',
  check(ctx) {
    const { state } = ctx;
    for (const { table, cmd } of alterTableCmds(ctx.node)) {
      if (cmd.subtype !== 'AT_SetNotNull' || state.isNewTable(table)) continue;
      const column = cmd.name ?? '';
      if (state.pgVersion >= 12 && state.schema.hasValidatedNotNullCheck(table, column)) continue;
      const message = `Setting NOT NULL on ${qualified(table)}.${ident(column)} blocks reads and writes (ACCESS EXCLUSIVE) while every row is checked.`;
      if (state.pgVersion < 12) {
        ctx.report({
          message,
          help: 'PostgreSQL before 12 always scans for SET NOT NULL. Run it when the table is small or traffic is low, or upgrade: from 12 a validated CHECK (col IS NOT NULL) lets it skip the scan.',
        });
        continue;
      }
      const check = ident(`${table.split('.').pop()}_${column}_not_null`);
      const t = qualified(table);
      ctx.report({
        message,
        help: 'Add a CHECK (col IS NOT NULL) constraint NOT VALID, validate it in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on), then SET NOT NULL: PostgreSQL 12+ uses the validated check instead of scanning. Drop the check afterwards.',
        fix:
          `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${ident(column)} IS NOT NULL) NOT VALID;\n` +
          `-- in a later migration:\n` +
          `ALTER TABLE ${t} VALIDATE CONSTRAINT ${check};\n` +
          `ALTER TABLE ${t} ALTER COLUMN ${ident(column)} SET NOT NULL;\n` +
          `ALTER TABLE ${t} DROP CONSTRAINT ${check};`,
      });
    }
  },
};
