import type { Node } from 'libpg-query';
import { columnDefs, names } from '../ast.js';
import type { Rule } from '../rule.js';

function duplicates(
  list: readonly { name: string; location?: number }[],
): { name: string; location?: number }[] {
  const seen = new Set<string>();
  const out: { name: string; location?: number }[] = [];
  for (const item of list) {
    if (seen.has(item.name)) out.push(item);
    seen.add(item.name);
  }
  return out;
}

function columnsOf(node: Node): { name: string; location?: number }[] {
  if ('CreateStmt' in node)
    return columnDefs(node.CreateStmt.tableElts).map((d) => ({
      name: d.colname ?? '',
      location: d.location,
    }));
  if ('ViewStmt' in node) return names(node.ViewStmt.aliases).map((name) => ({ name }));
  if ('UpdateStmt' in node) {
    const out: { name: string; location?: number }[] = [];
    for (const t of node.UpdateStmt.targetList ?? [])
      if ('ResTarget' in t) out.push({ name: t.ResTarget.name ?? '', location: t.ResTarget.location });
    return out;
  }
  if ('InsertStmt' in node) {
    const out: { name: string; location?: number }[] = [];
    for (const t of node.InsertStmt.cols ?? [])
      if ('ResTarget' in t) out.push({ name: t.ResTarget.name ?? '', location: t.ResTarget.location });
    return out;
  }
  return [];
}

/** A column declared or assigned twice in one statement: PostgreSQL rejects it when the migration runs. squawk: ban-duplicate-column-assignments. */
export const banDuplicateColumnAssignments: Rule = {
  id: 'ban-duplicate-column-assignments',
  severity: 'error',
  summary: 'Column declared or assigned twice in one statement',
  check(ctx) {
    for (const d of duplicates(columnsOf(ctx.node))) {
      ctx.report({
        location: d.location,
        message: `Column ${d.name} appears twice in this statement: PostgreSQL rejects it, so the migration fails when it runs.`,
        help: 'Declare or assign each column once.',
      });
    }
  },
};
