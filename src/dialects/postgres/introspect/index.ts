/**
 * PostgreSQL's introspector: reads a live schema (whole schemas, or named objects) into the
 * dialect-free {@link SchemaModel}, one reader per kind of object. Definitions come from the server's
 * own printers (`format_type`, `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`,
 * `pg_get_triggerdef`, `pg_get_viewdef`, `pg_get_functiondef`), so they round-trip whatever the
 * server supports. Reads only.
 */
import type { IntrospectOptions, SchemaModel } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { readComposites } from './composites.js';
import { readDomains } from './domains.js';
import { readEnums } from './enums.js';
import { readExtensions } from './extensions.js';
import { readGrants } from './grants.js';
import { rows } from './query.js';
import { readRoutines } from './routines.js';
import { readSchemas } from './schemas.js';
import { resolveScope, type Scope } from './scope.js';
import { readSequences } from './sequences.js';
import { readTables } from './tables.js';
import { readViews } from './views.js';

async function readAll(conn: Connection, scope: Scope, options: IntrospectOptions): Promise<SchemaModel> {
  const printed = options.printed !== false;
  return {
    schemas: await readSchemas(conn, scope.schemas),
    extensions: await readExtensions(conn, scope.extensions),
    tables: await readTables(conn, scope.tables, { dependents: options.dependents === true, printed }),
    views: printed ? await readViews(conn, scope.views) : [],
    sequences: await readSequences(conn, scope.sequences),
    enums: await readEnums(conn, scope.enums),
    domains: await readDomains(conn, scope.domains),
    composites: await readComposites(conn, scope.composites),
    routines: printed ? await readRoutines(conn, scope.routines) : [],
    grants: options.grants === true ? await readGrants(conn, scope) : [],
  };
}

/**
 * Runs `read` with the session's search path empty, so the server's printers qualify every user
 * object (`pg_dump` reads the same way), and restores the path after. The path is set for the
 * session, not the transaction: a read inside the caller's transaction must not leave it changed for
 * the statements that follow.
 */
async function withEmptySearchPath<T>(conn: Connection, read: () => Promise<T>): Promise<T> {
  const [saved] = await rows<{ path: string }>(conn, `SELECT current_setting('search_path') AS path`);
  await conn.query(`SELECT set_config('search_path', '', false)`);
  let result: T;
  try {
    result = await read();
  } catch (error) {
    // Inside a transaction the failed read aborted it, so the restore fails too; the transaction's
    // rollback undoes the set_config then. The read's error is the one to report either way.
    await conn.query(`SELECT set_config('search_path', $1, false)`, [saved?.path ?? '']).catch(() => {});
    throw error;
  }
  await conn.query(`SELECT set_config('search_path', $1, false)`, [saved?.path ?? '']);
  return result;
}

/**
 * Reads what `options` ask for (default: every user schema).
 *
 * @example
 * const model = await introspectPostgres(conn, { schemas: ['public'], qualified: true });
 * model.tables.find((t) => t.name === 'users')?.columns.map((c) => c.name);
 */
export async function introspectPostgres(
  conn: Connection,
  options: IntrospectOptions = {},
): Promise<SchemaModel> {
  // Named objects are found through the session's own path, before it is pinned.
  const scope = await resolveScope(conn, options);
  return options.qualified === true
    ? withEmptySearchPath(conn, () => readAll(conn, scope, options))
    : readAll(conn, scope, options);
}
