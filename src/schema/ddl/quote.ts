/**
 * Quoting shared by the printers: every identifier goes through {@link postgresQuoting}, so a name
 * can never be read as SQL, and the output is the same for the same model.
 */
import { postgresQuoting } from '../../sql/tag.js';
import type { ObjectName } from '../model.js';

/**
 * One quoted identifier.
 *
 * @example
 * q('my "table"') // '"my ""table"""'
 */
export const q = (name: string): string => postgresQuoting.ident(name);

/**
 * A schema-qualified quoted name.
 *
 * @example
 * qn({ schema: 'app', name: 'users' }) // '"app"."users"'
 */
export const qn = (name: ObjectName): string => `${q(name.schema)}.${q(name.name)}`;

/**
 * A string literal (standard-conforming; `E''` only for a backslash).
 *
 * @example
 * lit("it's") // "'it''s'"
 */
export const lit = (text: string): string => postgresQuoting.literal(text);

/** `schema.name` unquoted, for messages and map keys. */
export const keyOf = (name: ObjectName): string => `${name.schema}.${name.name}`;

/**
 * The collation clause of a column or attribute: `pg_catalog` collations by bare name.
 *
 * @example
 * collate({ schema: 'pg_catalog', name: 'C' }) // ' COLLATE "C"'
 */
export const collate = (c: ObjectName | null): string =>
  c === null ? '' : ` COLLATE ${c.schema === 'pg_catalog' ? q(c.name) : qn(c)}`;
