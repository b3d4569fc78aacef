/**
 * The one way sluice sends a `sql` fragment: render it with a dialect's quoting, then run it on a
 * connection. The runner's history, the online phases and the backfill engine all go through here.
 */
import { type Quoting, render, type SqlFragment } from '../sql/tag.js';
import type { Connection, QueryResult } from './dialect.js';

/** Called with each statement's text just before it is sent (e.g. to name it in an error). */
export type OnStatement = (text: string) => void;

/**
 * Renders `fragment` with `quoting` and runs it; values are bound parameters.
 *
 * @example
 * const { rows } = await queryFragment(conn, postgresQuoting, sql`SELECT ${1}::int AS n`);
 */
export function queryFragment<R = Record<string, unknown>>(
  conn: Connection,
  quoting: Quoting,
  fragment: SqlFragment,
  onStatement?: OnStatement,
): Promise<QueryResult<R>> {
  const { text, values } = render(fragment, quoting);
  onStatement?.(text);
  // No values: the simple protocol, which also takes several statements in one text.
  return conn.query<R>(text, values.length > 0 ? values : undefined);
}

/**
 * {@link queryFragment}, returning only the rows.
 *
 * @example
 * const [row] = await queryRows<{ n: number }>(conn, postgresQuoting, sql`SELECT ${1}::int AS n`);
 */
export async function queryRows<R = Record<string, unknown>>(
  conn: Connection,
  quoting: Quoting,
  fragment: SqlFragment,
  onStatement?: OnStatement,
): Promise<R[]> {
  return (await queryFragment<R>(conn, quoting, fragment, onStatement)).rows;
}
