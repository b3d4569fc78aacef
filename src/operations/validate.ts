/**
 * Validation helpers. Operations are validated when they are recorded, before anything runs, so a
 * typo in a migration fails with a message naming the operation, the object and the option.
 */
import { MigrationFileError } from '../errors.js';
import { formatName } from './names.js';
import type { DefaultValue, QualifiedName, ReferentialAction } from './types.js';

/** The subject of a message: `addColumn users.email`. */
export interface Subject {
  kind: string;
  target: string;
}

/**
 * Throws the error every validation failure uses.
 *
 * @example
 * invalid({ kind: 'addColumn', target: 'users.email' }, 'type', 'must be a non-empty SQL type');
 * // MigrationFileError: addColumn users.email: option `type` must be a non-empty SQL type
 */
export function invalid(subject: Subject, option: string, problem: string, hint?: string): never {
  throw new MigrationFileError(`${subject.kind} ${subject.target}: option \`${option}\` ${problem}`, {
    details: { operation: subject.kind, option, ...(hint === undefined ? {} : { hint }) },
  });
}

/** A subject for an operation on a table (and optionally one of its columns or objects). */
export function subject(kind: string, table: QualifiedName, child?: string): Subject {
  return { kind, target: child ? `${formatName(table)}.${child}` : formatName(table) };
}

const isName = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

/** Checks an identifier (table, column, index, constraint name). */
export function checkName(s: Subject, option: string, value: unknown): void {
  if (!isName(value)) invalid(s, option, `must be a non-empty name, got ${JSON.stringify(value)}`);
}

/** Checks a qualified name. */
export function checkQualified(s: Subject, option: string, value: unknown): void {
  const q = value as QualifiedName | null;
  if (typeof q !== 'object' || q === null || !isName(q.name)) {
    invalid(s, option, `must name a table like 'users' or 'app.users', got ${JSON.stringify(value)}`);
  }
  if (q.schema !== undefined && !isName(q.schema)) invalid(s, option, 'has an empty schema name');
}

/** Checks a non-empty list of distinct names. */
export function checkNames(s: Subject, option: string, value: unknown): void {
  if (!Array.isArray(value) || value.length === 0)
    invalid(s, option, 'must be a non-empty list of column names');
  value.forEach((v, i) => {
    checkName(s, `${option}[${i}]`, v);
  });
  if (new Set(value).size !== value.length) invalid(s, option, 'lists a column twice');
}

/** Checks SQL text written by the author (a type, an expression, a query). */
export function checkSql(s: Subject, option: string, value: unknown, example: string): void {
  if (typeof value !== 'string' || value.trim().length === 0) {
    invalid(s, option, `must be non-empty SQL such as ${example}, got ${JSON.stringify(value)}`);
  }
}

/** Checks an optional boolean option. */
export function checkBoolean(s: Subject, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean')
    invalid(s, option, `must be true or false, got ${JSON.stringify(value)}`);
}

/** Checks an optional option against a list of allowed values. */
export function checkOneOf(s: Subject, option: string, value: unknown, allowed: readonly unknown[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    // 'CASCADE' for 'cascade': say which spelling is meant rather than list them all.
    const near =
      typeof value === 'string'
        ? allowed.find((a) => typeof a === 'string' && a.toLowerCase() === value.toLowerCase())
        : undefined;
    invalid(
      s,
      option,
      near !== undefined
        ? `must be ${JSON.stringify(near)}, got ${JSON.stringify(value)}`
        : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
}

/** Referential actions, lower case as in {@link ReferentialAction}. */
export const REFERENTIAL_ACTIONS: readonly ReferentialAction[] = [
  'no action',
  'restrict',
  'cascade',
  'set null',
  'set default',
];

/** Checks a column default. */
export function checkDefault(s: Subject, option: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalid(s, option, 'must be a finite number');
    return;
  }
  const v = value as Exclude<DefaultValue, string | number | boolean> | null;
  if (typeof v === 'object' && v !== null && typeof v.sql === 'string' && v.sql.trim().length > 0) {
    checkBoolean(s, `${option}.volatile`, v.volatile);
    return;
  }
  invalid(
    s,
    option,
    "must be a literal (string, number, boolean) or an expression { sql: 'now()' }",
    'Use { sql } for SQL.',
  );
}

/** Checks an optional free-text comment. */
export function checkComment(s: Subject, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string') invalid(s, option, 'must be a string');
}
