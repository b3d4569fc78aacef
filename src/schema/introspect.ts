/**
 * The library's entry to introspection: read a live schema into the {@link SchemaModel} from a URL,
 * a parsed target, an open driver or a connection. Schema as code compares what it reads, so the
 * read is schema-qualified by default ({@link IntrospectOptions.qualified}).
 */
import { type DatabaseTarget, parseDatabaseUrl } from '../config/url.js';
import type { Connection, DialectName, Driver } from '../dialects/dialect.js';
import { createDriver, dialectNamed } from '../dialects/index.js';
import type { IntrospectOptions, SchemaModel } from './model.js';

/** What to read from: a database URL, a parsed target, an open driver, or an open connection. */
export type IntrospectSource = string | DatabaseTarget | Driver | Connection;

/** {@link IntrospectOptions}, with `qualified` true unless set, and the dialect of a bare connection. */
export interface LibraryIntrospectOptions extends IntrospectOptions {
  /** The SQL flavour of a {@link Connection} source (a URL, target or driver says its own). Default `postgres`. */
  dialect?: Extract<DialectName, 'postgres'>;
}

const isDriver = (s: IntrospectSource): s is Driver =>
  typeof s === 'object' && 'connect' in s && 'dialect' in s;
const isConnection = (s: IntrospectSource): s is Connection => typeof s === 'object' && 'query' in s;

/**
 * Reads the live schema of `source` (default: every user schema, printed schema-qualified). A URL or
 * target is opened and closed here; a driver or connection is the caller's, left open.
 *
 * @example
 * import { introspect } from 'sluice';
 * const model = await introspect('postgres://localhost/app', { schemas: ['public'] });
 * model.tables.map((t) => `${t.schema}.${t.name}`);
 */
export async function introspect(
  source: IntrospectSource,
  options: LibraryIntrospectOptions = {},
): Promise<SchemaModel> {
  const { dialect, ...read } = options;
  const settled: IntrospectOptions = { ...read, qualified: read.qualified ?? true };
  if (isConnection(source)) return dialectNamed(dialect ?? 'postgres').introspect(source, settled);
  if (isDriver(source)) return readWith(source, settled);
  const driver = await createDriver(typeof source === 'string' ? parseDatabaseUrl(source) : source);
  try {
    return await readWith(driver, settled);
  } finally {
    await driver.close();
  }
}

async function readWith(driver: Driver, options: IntrospectOptions): Promise<SchemaModel> {
  const conn = await driver.connect();
  try {
    return await driver.dialect.introspect(conn, options);
  } finally {
    await conn.close();
  }
}
