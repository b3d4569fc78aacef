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
 * Only `import type` from `pg`: sluice's library code does not load a database driver.
 */
import type { Pool, PoolClient } from 'pg';
import { postgresQuoting } from '../sql/tag.js';

/** The schemas behind the version schema unless told otherwise. */
const DEFAULT_FALLBACK = ['public'];

/**
 * The `SET search_path` statement for a version schema (for clients other than `pg`, or psql).
 *
 * @example
 * searchPathStatement('sluice_20240101120000_split_name') // 'SET search_path TO "sluice_20240101120000_split_name", "public"'
 */
export function searchPathStatement(schema: string, fallback: string[] = DEFAULT_FALLBACK): string {
  return `SET search_path TO ${[schema, ...fallback].map((s) => postgresQuoting.ident(s)).join(', ')}`;
}

/**
 * A function that sets `search_path` on a `pg` client: use it where you check clients out, or as a
 * `pool.on('connect', …)` listener.
 *
 * @example
 * const hook = searchPathHook(await latestVersionSchema(conn) ?? 'public');
 * pool.on('connect', (client) => { hook(client).catch(console.error); });
 */
export function searchPathHook(
  schema: string,
  fallback: string[] = DEFAULT_FALLBACK,
): (client: PoolClient) => Promise<void> {
  const text = searchPathStatement(schema, fallback);
  return async (client) => {
    await client.query(text);
  };
}

/**
 * Makes every new connection of a `pg` pool use `schema` first. Connections already open keep
 * their search path, so call it right after creating the pool.
 *
 * @example
 * import pg from 'pg';
 * import { usePgSearchPath, versionSchemaName } from 'sluice';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * usePgSearchPath(pool, versionSchemaName('20240101120000', 'split_name'));
 */
export function usePgSearchPath(pool: Pool, schema: string, fallback: string[] = DEFAULT_FALLBACK): void {
  const hook = searchPathHook(schema, fallback);
  // pg runs 'connect' listeners before handing the client out; the query is queued ahead of the app's.
  pool.on('connect', (client) => {
    hook(client).catch((error: unknown) => pool.emit('error', error as Error, client));
  });
}
