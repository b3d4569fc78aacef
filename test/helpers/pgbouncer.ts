/**
 * A real PgBouncer in front of the test server, for the tests of what applications see through a
 * pooler. Started on a free loopback port with a generated ini and stopped by the test. It must be
 * installed (Debian package `pgbouncer`; `.ci/run` installs it): like the database servers, it is
 * never skipped.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_ADMIN_URL } from './databases.js';

const BINARY = process.env.SLUICE_TEST_PGBOUNCER ?? 'pgbouncer';
/** PgBouncer refuses to run as root: as root, it is told to switch to this user. */
const RUN_AS = process.env.SLUICE_TEST_PGBOUNCER_USER ?? 'postgres';

export interface PgBouncer {
  /** `pgbouncer --version`'s first line, e.g. `PgBouncer 1.18.0`. */
  version: string;
  /** `url` with its host and port replaced by PgBouncer's. */
  url(url: string): string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  poolMode?: 'session' | 'transaction';
  /** Server connections per database and user. Default 1, so clients must share one. */
  poolSize?: number;
  /** Extra `[pgbouncer]` settings, e.g. `{ ignore_startup_parameters: 'options' }`. */
  settings?: Record<string, string>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts PgBouncer in front of the test server (any database name, logged in as the admin URL's
 * user), waits until it accepts connections.
 *
 * @example
 * const bouncer = await startPgBouncer({ poolMode: 'transaction' });
 * const pool = new pg.Pool({ connectionString: bouncer.url(db.url) });
 * … await bouncer.stop();
 */
export async function startPgBouncer(options: PgBouncerOptions = {}): Promise<PgBouncer> {
  const probe = spawnSync(BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `These tests need PgBouncer (${BINARY}): ${probe.error?.message ?? probe.stderr}. Install it (apt-get install -y pgbouncer) or set SLUICE_TEST_PGBOUNCER to its path.`,
    );
  }
  const version = probe.stdout.split('\n')[0]!.trim();
  const server = new URL(PG_ADMIN_URL);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pgbouncer-'));
  // Readable by the user PgBouncer switches to.
  chmodSync(dir, 0o755);
  const settings: Record<string, string> = {
    listen_addr: '127.0.0.1',
    listen_port: String(port),
    unix_socket_dir: '',
    auth_type: 'any',
    pool_mode: options.poolMode ?? 'transaction',
    default_pool_size: String(options.poolSize ?? 1),
    max_client_conn: '100',
    ...options.settings,
  };
  const ini = [
    '[databases]',
    `* = host=${server.hostname} port=${server.port || '5432'} user=${decodeURIComponent(server.username || 'postgres')}`,
    '[pgbouncer]',
    ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
  const iniPath = join(dir, 'pgbouncer.ini');
  writeFileSync(iniPath, ini, { mode: 0o644 });
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(BINARY, [...(asRoot ? ['-u', RUN_AS] : []), iniPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; !(await accepts(port)); i++) {
    if (child.exitCode !== null || i > 100) {
      await stop();
      throw new Error(`PgBouncer did not start on 127.0.0.1:${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    version,
    url(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    stop,
  };
}
