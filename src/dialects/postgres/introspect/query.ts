/**
 * What every catalog reader shares: a query over the tables in scope, grouping by table, and cutting
 * the server's printed definitions around the names they contain.
 */
import { DatabaseError } from '../../../errors.js';
import type { ObjectName } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';

/** Runs one catalog query with bound values and returns its rows. */
export async function rows<R>(conn: Connection, text: string, values: readonly unknown[] = []): Promise<R[]> {
  return (await conn.query<R>(text, values)).rows;
}

/**
 * Runs a query about some tables (its `$1` is their oids), turns each row into a model object and
 * groups them by the row's `table`; no query at all when there are no tables.
 */
export async function perTable<R extends { table: string }, T>(
  conn: Connection,
  oids: readonly string[],
  text: string,
  toModel: (row: R) => T,
): Promise<Map<string, T[]>> {
  const out = new Map<string, T[]>();
  if (oids.length === 0) return out;
  for (const r of await rows<R>(conn, text, [oids])) {
    const list = out.get(r.table);
    if (list) list.push(toModel(r));
    else out.set(r.table, [toModel(r)]);
  }
  return out;
}

/**
 * The text after whichever of `prefixes` `printed` starts with. The server's printers always write
 * an object's own name and its table's the same way, so a mismatch is a server this code does not
 * know, reported rather than guessed at.
 */
export function after(printed: string, prefixes: readonly string[], what: string): string {
  for (const p of prefixes) if (printed.startsWith(p)) return printed.slice(p.length);
  throw unexpected(printed, what);
}

/** `printed` cut around the first `separator` (see {@link after}). */
export function around(printed: string, separator: string, what: string): [string, string] {
  const at = printed.indexOf(separator);
  if (at < 0) throw unexpected(printed, what);
  return [printed.slice(0, at), printed.slice(at + separator.length)];
}

function unexpected(printed: string, what: string): DatabaseError {
  return new DatabaseError(`Cannot read the definition of ${what}: unexpected output of the server`, {
    details: { statement: printed },
  });
}

/** `SELECT … ARRAY(…)::text[]` of the columns of table `rel` among `attnums` (an SQL expression), in order. */
export function columnNames(rel: string, attnums: string): string {
  return `ARRAY(SELECT a.attname FROM unnest(${attnums}) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum ORDER BY k.ord)::text[]`;
}

/**
 * `ARRAY(…)::text[]` of the columns of table `rel` that object `objid` of catalog `classid` depends on
 * (`pg_depend`), by position; `deptype` narrows to one kind of dependency, `keys` (an SQL array of
 * column numbers) adds columns the object reads that the server records elsewhere.
 */
export function dependsOn(
  classid: string,
  objid: string,
  rel: string,
  options: { deptype?: 'a'; keys?: string } = {},
): string {
  const kind = options.deptype === undefined ? '' : ` AND d.deptype = '${options.deptype}'`;
  const keys = options.keys === undefined ? '' : ` OR a.attnum = ANY(${options.keys})`;
  return `ARRAY(SELECT a.attname FROM pg_attribute a
                 WHERE a.attrelid = ${rel} AND a.attnum > 0 AND (a.attnum IN (
                       SELECT d.refobjsubid FROM pg_depend d
                        WHERE d.classid = '${classid}'::regclass AND d.objid = ${objid}
                          AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ${rel}${kind})${keys})
                 ORDER BY a.attnum)::text[]`;
}

const NOT_VALID = ' NOT VALID';

/**
 * A printed constraint without the ` NOT VALID` the server appends to one not validated: validity is
 * a field of its own in the model.
 */
export function withoutNotValid(definition: string, validated: boolean): string {
  return !validated && definition.endsWith(NOT_VALID) ? definition.slice(0, -NOT_VALID.length) : definition;
}

/** A collation as the model holds it, from its schema and name columns (null: none, the type's own). */
export function collationName(schema: string | null, name: string | null): ObjectName | null {
  return name === null ? null : { schema: schema ?? '', name };
}
