/**
 * Whether a column default can be computed once for all existing rows. From PostgreSQL 11,
 * `ADD COLUMN … DEFAULT x` stores x in the catalog instead of rewriting the table when x is not
 * volatile: constants, casts of constants, and stable functions such as now() evaluate once.
 * A volatile function (random(), gen_random_uuid(), clock_timestamp(), nextval()) must run per
 * row, so the table is rewritten.
 */
import type { Node } from 'libpg-query';
import { names } from './ast.js';

export type Volatility = 'constant' | 'volatile' | 'unknown';

const VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setval',
  'txid_current',
  'pg_current_xact_id',
  'setseed',
]);

// Built-in immutable or stable functions commonly used in defaults. Anything else is "unknown":
// sluice cannot see a user function's volatility without the catalog, so it assumes the worst.
const NOT_VOLATILE = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_date',
  'current_timestamp',
  'localtimestamp',
  'current_setting',
  'current_user',
  'current_schema',
  'lower',
  'upper',
  'btrim',
  'trim',
  'concat',
  'coalesce',
  'to_timestamp',
  'to_date',
  'to_char',
  'to_jsonb',
  'to_json',
  'jsonb_build_object',
  'jsonb_build_array',
  'json_build_object',
  'json_build_array',
  'array_fill',
  'make_interval',
  'make_date',
  'make_timestamptz',
  'date_trunc',
  'timezone',
  'length',
  'abs',
  'round',
  'md5',
]);

function combine(a: Volatility, b: Volatility): Volatility {
  if (a === 'volatile' || b === 'volatile') return 'volatile';
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return 'constant';
}

/**
 * How a default expression behaves for existing rows.
 *
 * @example
 * volatility(parse("DEFAULT 'x'")) // 'constant'; now() → 'constant'; random() → 'volatile'
 */
export function volatility(node: Node | undefined): Volatility {
  if (!node) return 'constant';
  if ('A_Const' in node || 'SQLValueFunction' in node || 'ParamRef' in node) return 'constant';
  if ('TypeCast' in node) return volatility(node.TypeCast.arg);
  if ('CollateClause' in node) return volatility(node.CollateClause.arg);
  if ('A_Expr' in node) return combine(volatility(node.A_Expr.lexpr), volatility(node.A_Expr.rexpr));
  if ('BoolExpr' in node) return all(node.BoolExpr.args);
  if ('NullTest' in node) return volatility(node.NullTest.arg);
  if ('A_ArrayExpr' in node) return all(node.A_ArrayExpr.elements);
  if ('RowExpr' in node) return all(node.RowExpr.args);
  if ('CoalesceExpr' in node) return all(node.CoalesceExpr.args);
  if ('FuncCall' in node) {
    const parts = names(node.FuncCall.funcname);
    const fname = (parts[parts.length - 1] ?? '').toLowerCase();
    const userSchema = parts.length > 1 && parts[0] !== 'pg_catalog';
    if (!userSchema && VOLATILE.has(fname)) return 'volatile';
    const own: Volatility = !userSchema && NOT_VOLATILE.has(fname) ? 'constant' : 'unknown';
    return combine(own, all(node.FuncCall.args));
  }
  return 'unknown';
}

function all(nodes: readonly Node[] | undefined): Volatility {
  let v: Volatility = 'constant';
  for (const n of nodes ?? []) v = combine(v, volatility(n));
  return v;
}

/** True for `DEFAULT NULL` (no stored value at all). */
export function isNullConstant(node: Node | undefined): boolean {
  if (!node) return false;
  if ('A_Const' in node) return node.A_Const.isnull === true;
  if ('TypeCast' in node) return isNullConstant(node.TypeCast.arg);
  return false;
}
