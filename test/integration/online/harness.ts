/**
 * Shared pieces of the online-migration suites: a database per test, the OnlineContext the runner
 * would pass, and one session per application version (each with its own search_path).
 */
import pg from 'pg';
import type { Connection } from '../../../src/dialects/dialect.js';
import { PgDriver } from '../../../src/dialects/postgres/pg-driver.js';
import { defineMigration } from '../../../src/migrations/types.js';
import {
  abortOnline,
  completeOnline,
  type OnlineContext,
  type OpBuilder,
  searchPathStatement,
  startOnline,
  versionSchemaName,
} from '../../../src/online/index.js';
import type { OnlineOperation } from '../../../src/online/types.js';
import { createPgDatabase, type TestDatabase } from '../../helpers/databases.js';

/** One application version: a session whose search_path starts with its version schema. */
export interface VersionSession {
  q<R = Record<string, any>>(text: string, values?: unknown[]): Promise<R[]>;
  one<R = Record<string, any>>(text: string, values?: unknown[]): Promise<R>;
}

export interface Harness {
  db: TestDatabase;
  driver: PgDriver;
  conn: Connection;
  /** Plain session on `public` (what an old application not using version schemas sees). */
  admin: pg.Client;
  ctx(version: string, name: string, ops: (op: OpBuilder) => OnlineOperation[]): OnlineContext;
  session(schema: string): Promise<VersionSession>;
  close(): Promise<void>;
  events: { type: string; message: string }[];
}

/**
 * @example
 * const h = await harness(); await h.admin.query('CREATE TABLE …'); … await h.close();
 */
export async function harness(): Promise<Harness> {
  const db = await createPgDatabase('online');
  const driver = new PgDriver(db.url);
  const conn = await driver.connect();
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const clients: pg.Client[] = [admin];
  const events: { type: string; message: string }[] = [];
  return {
    db,
    driver,
    conn,
    admin,
    events,
    ctx: (version, name, ops) => ({
      conn,
      version,
      name,
      definition: defineMigration({ online: true, operations: ops }),
      lockTimeoutMs: 500,
      lockRetries: 20,
      onEvent: (e) => events.push(e),
    }),
    async session(schema) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      clients.push(c);
      await c.query(searchPathStatement(schema));
      const q = async (text: string, values?: unknown[]) => (await c.query(text, values)).rows;
      return {
        q,
        one: async (text, values) => {
          const rows = await q(text, values);
          if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${text}`);
          return rows[0];
        },
      } as VersionSession;
    },
    async close() {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await driver.close();
      await db.drop();
    },
  };
}

/** Everything about the schema that an abort must restore, as sorted text. */
export async function fingerprint(h: Harness): Promise<string> {
  const r = await h.admin.query(`SELECT string_agg(x, E'\\n' ORDER BY x) AS f FROM (
    SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS x
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT 'con ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL SELECT 'idx ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'trg ' || tgrelid::regclass || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT 'fn ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL SELECT 'rel ' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace
    UNION ALL SELECT 'ns ' || nspname FROM pg_namespace WHERE nspname LIKE 'sluice_%') s`);
  return r.rows[0].f;
}

export { abortOnline, completeOnline, startOnline, versionSchemaName };
