/**
 * Prints the bits of SQL that fixes need: identifiers (quoted only when they must be), and the
 * common expression shapes of defaults and CHECK constraints. Returns undefined for anything it
 * cannot print exactly, so a fix is either right or absent.
 */
import type { Node } from 'libpg-query';
import { names, typeInfo, typeSql } from './ast.js';

// PostgreSQL's reserved key words (Appendix C): these need quotes as column or table names.
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate ' +
    'collation column concurrently constraint create cross current_catalog current_date current_role ' +
    'current_schema current_time current_timestamp current_user default deferrable desc distinct do else end ' +
    'except false fetch for foreign freeze from full grant group having ilike in initially inner intersect ' +
    'into is isnull join lateral leading left like limit localtime localtimestamp natural not notnull null ' +
    'offset on only or order outer overlaps placing primary references returning right select session_user ' +
    'similar some symmetric system_user table tablesample then to trailing true union unique user using ' +
    'variadic verbose when where window with'
  ).split(' '),
);

function isPlainIdent(name: string): boolean {
  if (name.length === 0 || RESERVED.has(name)) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const lower = c >= 97 && c <= 122;
    const digit = c >= 48 && c <= 57;
    if (!(lower || c === 95 || (i > 0 && (digit || c === 36)))) return false;
  }
  return true;
}

/**
 * An identifier as SQL, quoted when needed.
 *
 * @example
 * ident('users') // users
 * ident('User')  // "User"
 */
export function ident(name: string): string {
  return isPlainIdent(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A possibly qualified name (`schema.table`) as SQL. */
export function qualified(name: string): string {
  const dot = name.indexOf('.');
  if (dot < 0) return ident(name);
  return `${ident(name.slice(0, dot))}.${ident(name.slice(dot + 1))}`;
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const SQL_VALUE_FUNCTIONS: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'CURRENT_DATE',
  SVFOP_CURRENT_TIME: 'CURRENT_TIME',
  SVFOP_CURRENT_TIME_N: 'CURRENT_TIME',
  SVFOP_CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  SVFOP_CURRENT_TIMESTAMP_N: 'CURRENT_TIMESTAMP',
  SVFOP_LOCALTIME: 'LOCALTIME',
  SVFOP_LOCALTIME_N: 'LOCALTIME',
  SVFOP_LOCALTIMESTAMP: 'LOCALTIMESTAMP',
  SVFOP_LOCALTIMESTAMP_N: 'LOCALTIMESTAMP',
  SVFOP_CURRENT_ROLE: 'CURRENT_ROLE',
  SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_USER: 'USER',
  SVFOP_SESSION_USER: 'SESSION_USER',
  SVFOP_CURRENT_CATALOG: 'CURRENT_CATALOG',
  SVFOP_CURRENT_SCHEMA: 'CURRENT_SCHEMA',
};

/**
 * An expression as SQL, for the shapes defaults and CHECK constraints usually have; undefined
 * otherwise.
 *
 * @example
 * printExpr(defaultNode) // "gen_random_uuid()"
 */
export function printExpr(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if ('A_Const' in node) {
    const c = node.A_Const;
    if (c.isnull) return 'NULL';
    if (c.ival) return String(c.ival.ival ?? 0);
    if (c.fval) return c.fval.fval;
    if (c.boolval) return c.boolval.boolval ? 'true' : 'false';
    if (c.sval) return literal(c.sval.sval ?? '');
    return undefined;
  }
  if ('TypeCast' in node) {
    const arg = printExpr(node.TypeCast.arg);
    return arg === undefined ? undefined : `${arg}::${typeSql(typeInfo(node.TypeCast.typeName))}`;
  }
  if ('ColumnRef' in node) {
    const fields = node.ColumnRef.fields ?? [];
    if (fields.some((f) => !('String' in f))) return undefined;
    return names(fields).map(ident).join('.');
  }
  if ('FuncCall' in node) {
    const f = node.FuncCall;
    if (f.agg_order || f.agg_filter || f.over || f.agg_distinct) return undefined;
    const fname = names(f.funcname)
      .filter((n, i, all) => !(n === 'pg_catalog' && i === 0 && all.length > 1))
      .map(ident)
      .join('.');
    if (f.agg_star) return `${fname}(*)`;
    const args: string[] = [];
    for (const a of f.args ?? []) {
      const s = printExpr(a);
      if (s === undefined) return undefined;
      args.push(s);
    }
    return `${fname}(${args.join(', ')})`;
  }
  if ('SQLValueFunction' in node) return SQL_VALUE_FUNCTIONS[node.SQLValueFunction.op ?? ''];
  if ('A_Expr' in node) {
    const e = node.A_Expr;
    if (e.kind !== 'AEXPR_OP') return undefined;
    const op = names(e.name).join('.');
    const right = printExpr(e.rexpr);
    if (right === undefined) return undefined;
    if (!e.lexpr) return `${op}${right}`;
    const left = printExpr(e.lexpr);
    return left === undefined ? undefined : `${left} ${op} ${right}`;
  }
  if ('NullTest' in node) {
    const arg = printExpr(node.NullTest.arg);
    if (arg === undefined) return undefined;
    return `${arg} ${node.NullTest.nulltesttype === 'IS_NULL' ? 'IS NULL' : 'IS NOT NULL'}`;
  }
  if ('BoolExpr' in node) {
    const b = node.BoolExpr;
    const parts: string[] = [];
    for (const a of b.args ?? []) {
      const s = printExpr(a);
      if (s === undefined) return undefined;
      parts.push(s);
    }
    if (b.boolop === 'NOT_EXPR') return parts.length === 1 ? `NOT (${parts[0]})` : undefined;
    return parts.map((p) => `(${p})`).join(b.boolop === 'AND_EXPR' ? ' AND ' : ' OR ');
  }
  return undefined;
}
