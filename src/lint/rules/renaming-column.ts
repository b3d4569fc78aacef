import { typeSql } from '../ast.js';
import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';

/** `RENAME COLUMN` on an existing table: running code using the old name breaks. squawk: renaming-column; strong_migrations: rename_column. */
export const renamingColumn: Rule = {
  id: 'renaming-column',
  severity: 'error',
  hazard: 'compatibility',
  summary: 'RENAME COLUMN breaks code that uses the old name',
  check(ctx) {
    if (!('RenameStmt' in ctx.node)) return;
    const s = ctx.node.RenameStmt;
    if (s.renameType !== 'OBJECT_COLUMN' || s.relationType !== 'OBJECT_TABLE') return;
    const table = s.relation?.schemaname
      ? `${s.relation.schemaname}.${s.relation.relname}`
      : (s.relation?.relname ?? '');
    if (ctx.state.isNewTable(table)) return;
    const from = ident(s.subname ?? '');
    const to = ident(s.newname ?? '');
    const t = qualified(table);
    const type = ctx.state.schema.columnType(table, s.subname ?? '');
    ctx.report({
      location: s.relation?.location,
      message: `Renaming ${t}.${from} to ${to} breaks every running query that uses ${from} until the new code is deployed.`,
      help: 'Expand and contract: add the new column, write to both, backfill, move reads, stop writing the old one, drop it. Or use a view that exposes both names during the switch.',
      fix: type
        ? `ALTER TABLE ${t} ADD COLUMN ${to} ${typeSql(type)};\n` +
          `-- write to both columns, backfill ${to} from ${from} in batches, move reads to ${to}, then drop ${from}`
        : undefined,
    });
  },
};
