import type { Node } from 'libpg-query';
import { columnDefs, tableConstraints } from '../ast.js';
import type { Rule } from '../rule.js';
import { alterTableCmds } from '../rule-helpers.js';

const MAX = 63;

function namesIn(node: Node): { name: string; location?: number }[] {
  const out: { name: string; location?: number }[] = [];
  if ('CreateStmt' in node) {
    const s = node.CreateStmt;
    out.push({ name: s.relation?.relname ?? '', location: s.relation?.location });
    for (const d of columnDefs(s.tableElts)) out.push({ name: d.colname ?? '', location: d.location });
    for (const c of tableConstraints(s.tableElts))
      if (c.conname) out.push({ name: c.conname, location: c.location });
  } else if ('IndexStmt' in node && node.IndexStmt.idxname) {
    out.push({ name: node.IndexStmt.idxname });
  } else if ('RenameStmt' in node && node.RenameStmt.newname) {
    out.push({ name: node.RenameStmt.newname });
  } else if ('ViewStmt' in node) {
    out.push({ name: node.ViewStmt.view?.relname ?? '', location: node.ViewStmt.view?.location });
  }
  for (const { cmd } of alterTableCmds(node)) {
    const def = cmd.def;
    if (def && 'ColumnDef' in def && cmd.subtype === 'AT_AddColumn')
      out.push({ name: def.ColumnDef.colname ?? '', location: def.ColumnDef.location });
    if (def && 'Constraint' in def && def.Constraint.conname)
      out.push({ name: def.Constraint.conname, location: def.Constraint.location });
  }
  return out;
}

/** Identifiers longer than 63 bytes are silently truncated by PostgreSQL. squawk: identifier-too-long. */
export const identifierTooLong: Rule = {
  id: 'identifier-too-long',
  severity: 'warning',
  summary: 'Identifier longer than 63 bytes (PostgreSQL truncates it)',
  check(ctx) {
    for (const { name, location } of namesIn(ctx.node)) {
      const bytes = Buffer.byteLength(name, 'utf8');
      if (bytes <= MAX) continue;
      ctx.report({
        location,
        message: `${name} is ${bytes} bytes long: PostgreSQL truncates identifiers to ${MAX} bytes, so the object gets a different name than the one in your code, and two long names can collide.`,
        help: `Choose a name of at most ${MAX} bytes.`,
      });
    }
  },
};
