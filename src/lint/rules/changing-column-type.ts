import { typeInfo, typeSql } from '../ast.js';
import { isSafeTypeChange } from '../column-types.js';
import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';
import { alterTableCmds } from '../rule-helpers.js';

/**
 * `ALTER COLUMN … TYPE` on an existing table: a rewrite of the table and its indexes under
 * ACCESS EXCLUSIVE, unless the change is known to be binary coercible (varchar(n) → text, a
 * larger varchar or numeric precision…) from a type an earlier migration declared.
 * squawk: changing-column-type; strong_migrations: change_column.
 */
export const changingColumnType: Rule = {
  id: 'changing-column-type',
  severity: 'error',
  hazard: 'lock',
  summary: 'ALTER COLUMN TYPE rewrites the table and its indexes',
  check(ctx) {
    for (const { table, cmd } of alterTableCmds(ctx.node)) {
      if (cmd.subtype !== 'AT_AlterColumnType' || ctx.state.isNewTable(table)) continue;
      const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
      const column = cmd.name ?? '';
      const to = typeInfo(def?.typeName);
      const from = ctx.state.schema.columnType(table, column);
      if (!def?.raw_default && from && isSafeTypeChange(from, to)) continue;
      const known = from ? ` from ${typeSql(from)}` : '';
      const unknownNote = from
        ? ''
        : ' sluice does not know the current type (no earlier migration declares it); a binary-coercible change such as varchar(n) → text is safe, anything else rewrites.';
      const c = ident(column);
      const t = qualified(table);
      ctx.report({
        location: def?.typeName?.location,
        message: `Changing the type of ${t}.${c}${known} to ${typeSql(to)} rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes.${unknownNote}`,
        help: 'Add a new column with the new type, write to both (trigger or application), backfill in batches, switch reads, then drop the old column.',
        fix:
          `ALTER TABLE ${t} ADD COLUMN ${ident(`${column}_new`)} ${typeSql(to)};\n` +
          `-- keep it in sync (trigger or application), backfill in batches, switch reads, then:\n` +
          `-- ALTER TABLE ${t} DROP COLUMN ${c}; ALTER TABLE ${t} RENAME COLUMN ${ident(`${column}_new`)} TO ${c};`,
      });
    }
  },
};
