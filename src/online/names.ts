/**
 * Names sluice gives to what it creates. Every name is a valid PostgreSQL identifier of at most 63
 * bytes (longer names would be silently truncated by the server, and two truncated names could
 * collide), made unique with a short hash when it has to be shortened.
 */
import { createHash } from 'node:crypto';
import { ident, postgresQuoting, render } from '../sql/tag.js';

/** PostgreSQL's NAMEDATALEN - 1. */
export const MAX_IDENT_BYTES = 63;

/** Prefix of every temporary column, index, constraint and function sluice creates. */
export const TEMP_PREFIX = '_sluice_';

/** The version schema used as "the old version" when no online migration ran before. */
export const BASE_SCHEMA = 'sluice_base';

/** The schema of sluice's own state table. */
export const STATE_SCHEMA = 'sluice';

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts `s` to at most `max` bytes without splitting a UTF-8 character. */
function cutBytes(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (byteLength(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/**
 * Fits a name in 63 bytes: names that fit are kept as they are, longer ones are cut and end in
 * `_<hash of the full name>` so two long names stay distinct.
 *
 * @example
 * fitIdentifier('x'.repeat(80)) // 'xxxx…xxx_1a2b3c4d' (63 bytes)
 */
export function fitIdentifier(name: string): string {
  if (byteLength(name) <= MAX_IDENT_BYTES) return name;
  const suffix = `_${shortHash(name)}`;
  return cutBytes(name, MAX_IDENT_BYTES - suffix.length) + suffix;
}

/**
 * The version schema of a migration: `sluice_<version>_<slug>`, lower case, `[a-z0-9_]` only, at most
 * 63 bytes. Applications of the new version put it first in their `search_path`.
 *
 * @example
 * versionSchemaName('20240101120000', 'rename email') // 'sluice_20240101120000_rename_email'
 */
export function versionSchemaName(version: string, name: string): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/_+/g, '_')
      .replace(/^_|_$/g, '');
  const v = clean(version) || 'v';
  const slug = clean(name);
  return fitIdentifier(slug ? `sluice_${v}_${slug}` : `sluice_${v}`);
}

/**
 * Name of a temporary object (column, constraint, index, function, table) for `base`.
 *
 * @example
 * tempName('age') // '_sluice_age'
 */
export function tempName(base: string, kind = ''): string {
  return fitIdentifier(`${TEMP_PREFIX}${kind ? `${kind}_` : ''}${base}`);
}

/** Trigger function name, unique per migration and table. */
export function triggerFunctionName(newSchema: string, table: string, role = 'sync'): string {
  return fitIdentifier(`${TEMP_PREFIX}${role}_${shortHash(`${newSchema}/${table}`)}_${table}`);
}

/** Trigger name (triggers are named per table, so it only needs to be unique among sluice's). */
export function triggerName(newSchema: string, role = 'sync'): string {
  return fitIdentifier(`${TEMP_PREFIX}${role}_${shortHash(newSchema)}`);
}

/**
 * Names quoted with PostgreSQL's quoting, as text: for SQL text built outside the `sql` tag (an
 * expression, a `to_regclass` or `::regclass` argument).
 *
 * @example
 * quotedName('app', 'my "t"') // '"app"."my ""t"""'
 */
export function quotedName(...names: string[]): string {
  return render(ident(...names), postgresQuoting).text;
}
