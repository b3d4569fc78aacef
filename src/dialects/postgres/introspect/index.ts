/**
 * PostgreSQL's introspector: reads a live schema (whole schemas, or named objects) into the
 * dialect-free {@link SchemaModel}, one reader per kind of object. Definitions come from the server's
 * own printers (`format_type`, `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`,
 * `pg_get_triggerdef`, `pg_get_viewdef`), so they round-trip whatever the server supports. Reads only.
 */
import { emptySchemaModel, type IntrospectOptions, type SchemaModel } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { readEnums } from './enums.js';
import { resolveScope } from './scope.js';
import { readSequences } from './sequences.js';
import { readTables } from './tables.js';
import { readViews } from './views.js';

/**
 * Reads what `options` ask for (default: every user schema).
 *
 * @example
 * const model = await introspectPostgres(conn, { schemas: ['public'] });
 * model.tables.find((t) => t.name === 'users')?.columns.map((c) => c.name);
 */
export async function introspectPostgres(
  conn: Connection,
  options: IntrospectOptions = {},
): Promise<SchemaModel> {
  const scope = await resolveScope(conn, options);
  const printed = options.printed !== false;
  return {
    // Contract only (branch s12/contract): the readers of these kinds arrive with s12/introspect.
    ...emptySchemaModel(),
    tables: await readTables(conn, scope.tables, { dependents: options.dependents === true, printed }),
    views: printed ? await readViews(conn, scope.views) : [],
    sequences: await readSequences(conn, scope.sequences),
    enums: await readEnums(conn, scope.enums),
  };
}
