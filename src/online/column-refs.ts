/**
 * Where an `up`/`down` expression names a column, found by PostgreSQL's own parser (libpg-query),
 * so the dual-write trigger can read `NEW."column"` in place instead of first copying each column
 * into a PL/pgSQL variable (one evaluation less per column and row).
 *
 * Only what is certain is rewritten: the answer is null (the caller keeps the variables) when the
 * parser is not loaded, the text is not one expression, it holds a subquery (whose names may be the
 * subquery's own columns), or a reference is qualified, a `*`, or not spelled as a plain or quoted
 * identifier at the place the parser reports.
 */
import type { Node } from 'libpg-query';
import { parserLoaded, parseSql } from '../dialects/postgres/parser.js';
import { names } from '../lint/ast.js';

/** One bare column reference: its name as PostgreSQL resolves it, and its span in the expression. */
export interface ColumnRefSpan {
  name: string;
  start: number;
  end: number;
}

interface RawRef {
  fields: Node[];
  location: number;
}

/** Collects ColumnRef nodes; false when a subquery makes the answer uncertain. */
function collect(node: unknown, out: RawRef[]): boolean {
  if (Array.isArray(node)) return node.every((n) => collect(n, out));
  if (!node || typeof node !== 'object') return true;
  const obj = node as Record<string, unknown>;
  if ('SubLink' in obj) return false;
  const ref = obj.ColumnRef as { fields?: Node[]; location?: number } | undefined;
  if (ref) {
    out.push({ fields: ref.fields ?? [], location: ref.location ?? -1 });
    return true;
  }
  for (const key in obj) if (!collect(obj[key], out)) return false;
  return true;
}

/** The identifier token at `start` and the name it denotes, or null. */
function tokenAt(expr: string, start: number): { end: number; name: string } | null {
  if (expr[start] === '"') {
    let i = start + 1;
    let name = '';
    while (i < expr.length) {
      if (expr[i] === '"') {
        if (expr[i + 1] !== '"') return { end: i + 1, name };
        name += '"';
        i += 2;
      } else name += expr[i++];
    }
    return null;
  }
  const m = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(expr.slice(start));
  // PostgreSQL folds only ASCII letters of an unquoted name (in a UTF-8 database).
  return m ? { end: start + m[0].length, name: m[0].replace(/[A-Z]+/g, (c) => c.toLowerCase()) } : null;
}

/**
 * The bare column references of an SQL expression, or null when they cannot all be found with
 * certainty (see the module comment). Needs `loadParser()` to have run, else returns null.
 *
 * @example
 * bareColumnRefs('lower(email) || "Note"') // [{ name: 'email', start: 6, end: 11 }, { name: 'Note', start: 16, end: 22 }]
 */
export function bareColumnRefs(expr: string): ColumnRefSpan[] | null {
  if (!parserLoaded()) return null;
  const prefix = 'SELECT (';
  const parsed = parseSql(`${prefix}${expr}\n)`);
  if (!parsed.ok || parsed.stmts.length !== 1) return null;
  const refs: RawRef[] = [];
  if (!collect(parsed.stmts[0]?.node, refs)) return null;
  const out: ColumnRefSpan[] = [];
  for (const ref of refs) {
    const parts = names(ref.fields);
    if (ref.fields.length !== 1 || parts.length !== 1 || ref.location < 0) return null;
    const start = parsed.toIndex(ref.location) - prefix.length;
    const token = start >= 0 ? tokenAt(expr, start) : null;
    if (!token || token.name !== parts[0]) return null;
    out.push({ name: token.name, start, end: token.end });
  }
  return out;
}
