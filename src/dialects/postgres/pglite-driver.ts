/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in this process: the default database, no server.
 * PGlite is one session, so every `connect()` shares it, and the runner lock is a lock file beside
 * the data directory (PGlite's advisory locks would not be seen by another process).
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { DatabaseError, LockTimeoutError } from '../../errors.js';
import type { AcquireLockOptions, Connection, Driver, QueryResult, RunnerLock } from '../dialect.js';
import { postgresDialect } from './dialect.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class PgliteConnection implements Connection {
  constructor(private readonly db: PGlite) {}

  async query<R>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>> {
    if (values && values.length > 0) {
      const res = await this.db.query<R>(text, values as unknown[]);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    }
    // No parameters: the simple protocol, which also accepts several statements (like `pg`).
    const results = await this.db.exec(text);
    const last = results[results.length - 1];
    return {
      rows: (last?.rows ?? []) as R[],
      rowCount: last ? (last.affectedRows ?? last.rows.length) : null,
    };
  }

  async close(): Promise<void> {
    // The instance is shared; the driver closes it.
  }
}

interface LockFileContent {
  pid: number;
  host: string;
  since: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Driver for `pglite:` URLs.
 *
 * @example
 * const driver = new PgliteDriver('./.sluice/db'); // or null for in-memory
 */
export class PgliteDriver implements Driver {
  readonly dialect = postgresDialect;
  readonly description: string;
  private instance: Promise<PGlite> | null = null;
  private readonly dataDir: string | null;

  constructor(dataDir: string | null) {
    this.dataDir = dataDir === null ? null : resolve(dataDir);
    const shown = this.dataDir === null ? null : relative(process.cwd(), this.dataDir);
    this.description =
      shown === null ? 'pglite:memory' : `pglite:${shown && !shown.startsWith('..') ? shown : this.dataDir}`;
  }

  private db(): Promise<PGlite> {
    this.instance ??= (async () => {
      // Imported lazily: PGlite's WebAssembly is heavy and only embedded runs need it.
      const { PGlite } = await import('@electric-sql/pglite');
      try {
        if (this.dataDir) mkdirSync(dirname(this.dataDir), { recursive: true });
        const db = new PGlite(this.dataDir ?? undefined);
        await db.waitReady;
        return db;
      } catch (cause) {
        throw new DatabaseError(`Cannot open embedded database ${this.description}: ${String(cause)}`, {
          cause,
        });
      }
    })();
    return this.instance;
  }

  async connect(): Promise<Connection> {
    return new PgliteConnection(await this.db());
  }

  async acquireRunnerLock(options: AcquireLockOptions): Promise<RunnerLock> {
    if (this.dataDir === null) return { release: async () => {} };
    const path = `${this.dataDir}.lock`;
    mkdirSync(dirname(path), { recursive: true });
    const deadline = Date.now() + options.timeoutMs;
    let lastHolder: string | undefined;
    for (;;) {
      try {
        const fd = openSync(path, 'wx');
        const content: LockFileContent = {
          pid: process.pid,
          host: hostname(),
          since: new Date().toISOString(),
        };
        writeSync(fd, JSON.stringify(content));
        closeSync(fd);
        return { release: async () => rmSync(path, { force: true }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let holder: LockFileContent | null = null;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as LockFileContent;
      } catch {
        // Being written right now, or removed: look again.
      }
      if (holder && holder.host === hostname() && !processAlive(holder.pid)) {
        // The holder died without releasing: the lock file is stale.
        rmSync(path, { force: true });
        continue;
      }
      const description = holder
        ? `sluice pid ${holder.pid} on ${holder.host} since ${holder.since}`
        : 'another sluice run';
      if (description !== lastHolder) {
        lastHolder = description;
        options.onWait?.({ description });
      }
      if (Date.now() >= deadline) {
        throw new LockTimeoutError(
          `Timed out after ${options.timeoutMs} ms waiting for the migration lock held by ${description}.`,
          {
            file: path,
            hint: 'Wait for the other run to finish; if no run is alive, delete the lock file.',
          },
        );
      }
      await sleep(100 + Math.random() * 100);
    }
  }

  async close(): Promise<void> {
    if (!this.instance) return;
    const db = await this.instance.catch(() => null);
    this.instance = null;
    await db?.close();
  }
}
