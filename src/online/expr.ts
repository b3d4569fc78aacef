/**
 * Small, careful text helpers for the SQL expressions migration authors write (`up`, `down`, checks).
 * They are trusted SQL, but sluice sometimes has to point them at a temporary column, and it must
 * never do so inside a string literal or a quoted identifier of another name.
 */
import { postgresQuoting } from '../sql/tag.js';

/**
 * Replaces references to column `from` (bare, case-insensitively, or quoted exactly) by the quoted
 * name `to`. String literals, dollar-quoted strings and other identifiers are left alone; a name
 * after a `.` (a qualified reference) is left alone too.
 *
 * @example
 * renameInExpression("age > 0 AND note <> 'age'", 'age', '_sluice_age') // '"_sluice_age" > 0 AND note <> \'age\''
 */
export function renameInExpression(expr: string, from: string, to: string): string {
  const quotedTo = postgresQuoting.ident(to);
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i] as string;
    if (ch === "'") {
      const end = skipQuoted(expr, i, "'");
      out += expr.slice(i, end);
      i = end;
    } else if (ch === '"') {
      const end = skipQuoted(expr, i, '"');
      const name = expr.slice(i + 1, end - 1).replace(/""/g, '"');
      out += name === from && !qualified(out) ? quotedTo : expr.slice(i, end);
      i = end;
    } else if (ch === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(expr.slice(i));
      if (m) {
        const close = expr.indexOf(m[0], i + m[0].length);
        const end = close < 0 ? expr.length : close + m[0].length;
        out += expr.slice(i, end);
        i = end;
      } else {
        out += ch;
        i++;
      }
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(expr.slice(i)) as RegExpExecArray;
      const word = m[0];
      out += word.toLowerCase() === from && !qualified(out) ? quotedTo : word;
      i += word.length;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function skipQuoted(s: string, start: number, q: string): number {
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === q) {
      if (s[i + 1] === q) i += 2;
      else return i + 1;
    } else i++;
  }
  return s.length;
}

function qualified(before: string): boolean {
  return /\.\s*$/.test(before);
}

const VOLATILE =
  /\b(random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|txid_current)\s*\(/i;

/**
 * True when a default expression calls a volatile function: adding a column with such a default
 * rewrites the whole table under an ACCESS EXCLUSIVE lock.
 *
 * @example
 * hasVolatileCall('gen_random_uuid()') // true
 */
export function hasVolatileCall(expr: string): boolean {
  return VOLATILE.test(expr);
}
