/**
 * What applications need to use a version schema: put it first in `search_path` on every
 * connection, with the base schema (`public`) behind it. The dual-write triggers read the first
 * schema of the writer's search path to know which version is writing, so it must come first.
 *
 * The base schema behind it is needed: a version schema holds views only while its migration is
 * active. `complete` drops them once every table and column has its final name, so the names then
 * resolve to the tables themselves and later regular migrations (a dropped or retyped column, a new
 * table) apply to what applications see. Pass another `fallback` when the tables live elsewhere.
 *
 * Three ways to set it, by how the application reaches the server:
 * - directly (or through a pooler in session mode): as a startup parameter, `options` =
 *   `-c search_path=…` ({@link searchPathOptions}, {@link usePgSearchPath}). The server applies it
 *   before the first query, so no extra statement runs at all: nothing to queue behind, nothing for
 *   pg 9 (which no longer queues a query sent while another runs) to refuse.
 * - through PgBouncer in transaction mode: per transaction ({@link withSearchPathTransaction},
 *   {@link localSearchPathStatement}). There each transaction may run on another server connection,
 *   so a session-level `SET` leaks to whichever client gets that connection next; PgBouncer 1.18
 *   refuses the `options` startup parameter, and `ignore_startup_parameters = options` drops it.
 *   `SET LOCAL` lasts exactly as long as the transaction, which PgBouncer keeps on one connection.
 * - any other client: {@link searchPathStatement}, once per session.
 *
 * Only `import type` from `pg`: sluice's library code does not load a database driver.
 */
import type { Pool, PoolClient } from 'pg';
import { postgresQuoting } from '../sql/tag.js';

/** The schemas behind the version schema unless told otherwise. */
const DEFAULT_FALLBACK = ['public'];

/** `"schema", "public"`: each name quoted, so any name is taken literally. */
function searchPathValue(schema: string, fallback: readonly string[], separator = ', '): string {
  return [schema, ...fallback].map((s) => postgresQuoting.ident(s)).join(separator);
}

/**
 * The `SET search_path` statement for a version schema (for clients other than `pg`, or psql).
 * Session-level: not for connections shared through PgBouncer in transaction mode (use
 * {@link localSearchPathStatement} there).
 *
 * @example
 * searchPathStatement('sluice_20240101120000_split_name') // 'SET search_path TO "sluice_20240101120000_split_name", "public"'
 */
export function searchPathStatement(schema: string, fallback: string[] = DEFAULT_FALLBACK): string {
  return `SET search_path TO ${searchPathValue(schema, fallback)}`;
}

/**
 * The `SET LOCAL search_path` statement: run it first in each transaction when connections are
 * shared through PgBouncer in transaction mode (or any pooler that hands a server connection to
 * another client between transactions). It ends with the transaction, so it never reaches another
 * client. Statements outside a transaction do not see it (PostgreSQL warns and ignores it there).
 *
 * @example
 * await trx.raw(localSearchPathStatement(process.env.DB_SCHEMA!)); // first statement of a knex transaction
 */
export function localSearchPathStatement(schema: string, fallback: string[] = DEFAULT_FALLBACK): string {
  return `SET LOCAL search_path TO ${searchPathValue(schema, fallback)}`;
}

/**
 * The libpq `options` connection parameter that starts every session with the version schema:
 * `-c search_path=…`. Pass it as `options` to `pg` (8.4 and later) or in a connection URL
 * (`?options=` URL-encoded), or set `PGOPTIONS` for libpq clients. The server applies it at
 * connection start, so it costs no statement. Not through PgBouncer in transaction mode, which
 * refuses it (see {@link withSearchPathTransaction}).
 *
 * @example
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, options: searchPathOptions(schema) });
 * searchPathOptions('v') // '-c search_path="v","public"'
 */
export function searchPathOptions(schema: string, fallback: string[] = DEFAULT_FALLBACK): string {
  // The server splits `options` at whitespace unless a backslash escapes it, and a backslash itself
  // is written twice. Names are joined without spaces so only the names' own characters need it.
  const value = searchPathValue(schema, fallback, ',').replace(/[\s\\]/g, '\\$&');
  return `-c search_path=${value}`;
}

/**
 * A function that sets `search_path` on a `pg` client you hold, for a session of your own (not one
 * shared through PgBouncer in transaction mode). Await it before the client's first query: run as a
 * `pool.on('connect', …)` listener it would still be running when the pool hands the client out,
 * which pg 8 answers with a deprecation warning and pg 9 refuses. For pools use
 * {@link usePgSearchPath} or {@link searchPathOptions}.
 *
 * @example
 * const client = new pg.Client(process.env.DATABASE_URL);
 * await client.connect();
 * await searchPathHook(await latestVersionSchema(conn) ?? 'public')(client);
 */
export function searchPathHook(
  schema: string,
  fallback: string[] = DEFAULT_FALLBACK,
): (client: Pick<PoolClient, 'query'>) => Promise<void> {
  const text = searchPathStatement(schema, fallback);
  return async (client) => {
    await client.query(text);
  };
}

/** The `options` each pool had before sluice added its search path: a second call replaces sluice's part. */
const ownOptions = new WeakMap<Pool, string | undefined>();

function connectionStringSetsOptions(connectionString: string | undefined): boolean {
  if (!connectionString) return false;
  try {
    return new URL(connectionString).searchParams.has('options');
  } catch {
    return false;
  }
}

/**
 * Makes every new connection of a `pg` pool start with `schema` first in its search path, as a
 * startup parameter (`options`, see {@link searchPathOptions}): no statement is sent, so nothing
 * runs while the application's first query waits. Any `options` the pool already had (or
 * `PGOPTIONS`) are kept. Connections already open keep their search path, so call it right after
 * creating the pool. Not for PgBouncer in transaction mode (see {@link withSearchPathTransaction}).
 *
 * @throws TypeError when the pool's connection string carries its own `options`: pg lets the URL's
 * value win, which would drop the search path silently. Put `searchPathOptions(schema)` into it.
 * @example
 * import pg from 'pg';
 * import { usePgSearchPath, versionSchemaName } from 'sluice';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * usePgSearchPath(pool, versionSchemaName('20240101120000', 'split_name'));
 */
export function usePgSearchPath(pool: Pool, schema: string, fallback: string[] = DEFAULT_FALLBACK): void {
  const config = pool.options;
  if (connectionStringSetsOptions(config.connectionString)) {
    throw new TypeError(
      `usePgSearchPath: the pool's connection string sets options=…, which pg would use instead of the search path. Add ${JSON.stringify(searchPathOptions(schema, fallback))} to that options value instead.`,
    );
  }
  // pg reads PGOPTIONS only when the config has no options: keep it by taking it in.
  if (!ownOptions.has(pool)) ownOptions.set(pool, config.options ?? process.env.PGOPTIONS);
  const own = ownOptions.get(pool);
  config.options = own
    ? `${own} ${searchPathOptions(schema, fallback)}`
    : searchPathOptions(schema, fallback);
}

/**
 * Runs `fn` in a transaction whose first statement is `SET LOCAL search_path`: the way to use a
 * version schema through PgBouncer in transaction mode, where each transaction may run on another
 * server connection and a session-level `SET` leaks to other clients. Commits when `fn` resolves,
 * rolls back when it throws (and rethrows). Every query of `fn` must use the client it is given.
 *
 * @example
 * const user = await withSearchPathTransaction(pool, process.env.DB_SCHEMA!, async (client) => {
 *   const r = await client.query('INSERT INTO users (email_address) VALUES ($1) RETURNING *', [email]);
 *   return r.rows[0];
 * });
 */
export async function withSearchPathTransaction<T>(
  pool: Pool,
  schema: string,
  fn: (client: PoolClient) => Promise<T>,
  fallback: string[] = DEFAULT_FALLBACK,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(localSearchPathStatement(schema, fallback));
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A failed ROLLBACK means the connection is unusable: release it as broken so the pool drops it.
    await client.query('ROLLBACK').catch((e: unknown) => {
      broken = e as Error;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
