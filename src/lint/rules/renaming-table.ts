import { ident, qualified } from '../print.js';
import type { Rule } from '../rule.js';

/** `RENAME` of an existing table: running code using the old name breaks. squawk: renaming-table; strong_migrations: rename_table. */
export const renamingTable: Rule = {
  id: 'renaming-table',
  severity: 'error',
  hazard: 'compatibility',
  summary: 'RENAME TABLE breaks code that uses the old name',
  check(ctx) {
    if (!('RenameStmt' in ctx.node)) return;
    const s = ctx.node.RenameStmt;
    if (s.renameType !== 'OBJECT_TABLE') return;
    const table = s.relation?.schemaname
      ? `${s.relation.schemaname}.${s.relation.relname}`
      : (s.relation?.relname ?? '');
    if (ctx.state.isNewTable(table)) return;
    const schema = s.relation?.schemaname ? `${s.relation.schemaname}.` : '';
    const to = `${schema}${s.newname ?? ''}`;
    ctx.report({
      location: s.relation?.location,
      message: `Renaming ${qualified(table)} to ${qualified(to)} breaks every running query that uses the old name until the new code is deployed.`,
      help: 'Rename, then keep the old name working with an updatable view until every reader and writer uses the new one; drop the view later.',
      fix:
        `-- sluice-ignore renaming-table: the old name stays readable and writable through a view\n` +
        `ALTER TABLE ${qualified(table)} RENAME TO ${ident(s.newname ?? '')};\n` +
        `CREATE VIEW ${qualified(table)} AS SELECT * FROM ${qualified(to)};\n` +
        `-- drop the view in a later migration, once no code uses the old name`,
    });
  },
};
