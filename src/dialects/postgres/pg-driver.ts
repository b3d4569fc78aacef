/**
 * The real PostgreSQL server through `pg`. sluice does not pool: a run uses one session, which
 * holds the runner lock and runs the migrations.
 */
import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import pg from 'pg';
import { maskSecrets, maskUrl } from '../../config/url.js';
import { ConfigError, DatabaseError, errorMessage, LockTimeoutError } from '../../errors.js';
import type {
  AcquireLockOptions,
  Connection,
  Driver,
  LockHolder,
  QueryResult,
  RunnerLock,
} from '../dialect.js';
import { postgresDialect } from './dialect.js';

// int8 (bigint) columns come back as strings by default; sluice's own queries cast what they read.

/** Two signed 32-bit keys for `pg_try_advisory_lock(int, int)`, derived from a lock name. */
export function advisoryKeys(name: string): [number, number] {
  const digest = createHash('sha256').update(`sluice:${name}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/** The `application_name` sluice sessions carry, so lock holders can be named. */
export function applicationName(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // Some containers have no passwd entry; the pid and host still identify the runner.
  }
  return `sluice ${user}@${hostname()} pid ${process.pid}`.slice(0, 63);
}

class PgConnection implements Connection {
  constructor(private readonly client: pg.Client) {}

  async query<R>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>> {
    const res = await this.client.query(text, values as unknown[] | undefined);
    // A multi-statement simple query returns an array of results; the last one is what callers want.
    const last = Array.isArray(res) ? res[res.length - 1] : res;
    return { rows: (last?.rows ?? []) as R[], rowCount: last?.rowCount ?? null };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Driver for `postgres://` URLs.
 *
 * @example
 * const driver = new PgDriver('postgres://postgres@127.0.0.1:5432/app');
 * const conn = await driver.connect();
 */
export class PgDriver implements Driver {
  readonly dialect = postgresDialect;
  readonly description: string;
  private readonly open = new Set<pg.Client>();

  constructor(private readonly url: string) {
    this.description = maskUrl(url);
  }

  private async client(): Promise<pg.Client> {
    let client: pg.Client;
    try {
      // pg parses the URL here, and reads sslcert/sslkey/sslrootcert files named in it: its errors
      // are about the URL, not the server.
      client = new pg.Client({ connectionString: this.url, application_name: applicationName() });
    } catch (cause) {
      throw new ConfigError(`Invalid database URL ${this.description}: ${maskSecrets(errorMessage(cause))}`, {
        details: { hint: 'Fix the URL (or the files its ssl parameters name).' },
      });
    }
    // An idle session that errors (server restart) must not crash the process; the next query fails instead.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (cause) {
      const info = postgresDialect.errorInfo(cause);
      throw new DatabaseError(`Cannot connect to ${this.description}: ${maskSecrets(info.message)}`, {
        cause,
        details: { sqlState: info.code, hint: 'Check that the server is running and the URL is right.' },
      });
    }
    this.open.add(client);
    client.once('end', () => this.open.delete(client));
    return client;
  }

  async connect(): Promise<Connection> {
    return new PgConnection(await this.client());
  }

  /**
   * A session-level advisory lock on the session that runs the migrations. After `kill -9` of the
   * client the server still runs (and may commit) what that session had sent; the lock is freed
   * only when that backend ends, so the next runner reads history after that commit or rollback.
   * (A lock on a separate session died with the client at once, and the next runner re-applied a
   * migration the orphaned backend was about to commit.)
   */
  async acquireRunnerLock(options: AcquireLockOptions): Promise<RunnerLock> {
    const [k1, k2] = advisoryKeys(options.key);
    const conn = options.session;
    const deadline = Date.now() + options.timeoutMs;
    let lastHolder: string | undefined;
    let delay = 50;
    for (;;) {
      // pg_try_advisory_lock, polled: a waiter must not sit inside a statement (with a snapshot)
      // while the holder runs CREATE INDEX CONCURRENTLY, which waits for older snapshots.
      const res = await conn.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int, $2::int) AS ok', [
        k1,
        k2,
      ]);
      if (res.rows[0]?.ok) break;
      const holder = await this.lockHolder(conn, k1, k2);
      if (holder?.description !== lastHolder) {
        lastHolder = holder?.description;
        options.onWait?.(holder);
      }
      if (Date.now() >= deadline) {
        throw new LockTimeoutError(
          `Timed out after ${options.timeoutMs} ms waiting for the migration lock${holder ? `, held by ${holder.description}` : ''}.`,
          { hint: 'Another sluice run is in progress. Wait for it, or raise lockWait in the config.' },
        );
      }
      // Jittered backoff keeps ten waiters from polling in step.
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 500);
    }
    return {
      release: async () => {
        // A session whose transaction failed must end it before it can unlock; closing the
        // session frees the lock in any case.
        await conn.query('ROLLBACK').catch(() => {});
        await conn.query('SELECT pg_advisory_unlock($1::int, $2::int)', [k1, k2]).catch(() => {});
      },
    };
  }

  private async lockHolder(conn: Connection, k1: number, k2: number): Promise<LockHolder | null> {
    const res = await conn.query<{
      pid: number;
      application_name: string;
      usename: string;
      client_addr: string | null;
      backend_start: Date;
    }>(
      `SELECT a.pid, a.application_name, a.usename, a.client_addr::text AS client_addr, a.backend_start
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid
          AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [k1 >>> 0, k2 >>> 0],
    );
    const row = res.rows[0];
    if (!row) return null;
    const who = row.application_name || `user ${row.usename}`;
    const since =
      row.backend_start instanceof Date ? row.backend_start.toISOString() : String(row.backend_start);
    return {
      description: `${who} (backend pid ${row.pid}${row.client_addr ? ` from ${row.client_addr}` : ''}, since ${since})`,
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.open].map((c) => c.end().catch(() => {})));
    this.open.clear();
  }
}
