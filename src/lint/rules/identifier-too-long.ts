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

function isIdentChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  return (
    (c >= 'a' && c <= 'z') ||
    (c >= 'A' && c <= 'Z') ||
    (c >= '0' && c <= '9') ||
    c === '_' ||
    c === '$' ||
    c > '\u007f'
  );
}

/** The identifier as written at `index` (quoted or not): the parser has already truncated its copy. */
function writtenAt(sql: string, index: number): string {
  if (sql[index] === '"') {
    let out = '';
    for (let i = index + 1; i < sql.length; i++) {
      if (sql[i] === '"') {
        if (sql[i + 1] !== '"') break;
        i++;
      }
      out += sql[i];
    }
    return out;
  }
  let end = index;
  while (isIdentChar(sql[end])) end++;
  return sql.slice(index, end);
}

/**
 * Identifiers longer than 63 bytes are silently truncated by PostgreSQL (and by its parser, so
 * the written name is read back from the statement text). squawk: identifier-too-long.
 */
export const identifierTooLong: Rule = {
  id: 'identifier-too-long',
  severity: 'warning',
  summary: 'Identifier longer than 63 bytes (PostgreSQL truncates it)',
  check(ctx) {
    const sql = ctx.input.sql;
    for (const { name: parsed, location } of namesIn(ctx.node)) {
      // A truncated name is 61-63 bytes (truncation never splits a character).
      if (Buffer.byteLength(parsed, 'utf8') < MAX - 2) continue;
      let at = location === undefined ? -1 : ctx.toIndex(location);
      if (at < 0) {
        at = sql.indexOf(parsed);
        if (at < 0) at = sql.toLowerCase().indexOf(parsed);
        if (at > 0 && sql[at - 1] === '"') at--;
      }
      if (at < 0) continue;
      const name = writtenAt(sql, at);
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
