/**
 * Runs the built CLI (`node dist/cli/bin.js`) as a child process, without a shell, and returns its
 * exit code and output. `npm test` builds dist/ first (the `pretest` script).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPgDatabase, createPgliteDatabase, pgClient, type TestDatabase } from './databases.js';

/**
 * Timeout for CLI tests that start PGlite several times: each start costs about a second of CPU,
 * far more on a loaded machine, so the default 60 s is too tight for a test of ten commands.
 */
export const SLOW = 180_000;

/** Absolute path of the built CLI entry point. */
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/bin.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** Added to (or, with `undefined`, removed from) a clean environment. */
  env?: Record<string, string | undefined>;
  /** Default 60 s. */
  timeoutMs?: number;
  /** Arguments for node before the script (e.g. `--`, after which node reads no option of its own). */
  nodeArgs?: string[];
}

/** Variables that would leak the developer's or CI's setup into a test. */
const SCRUBBED = ['DATABASE_URL', 'FORCE_COLOR', 'NODE_OPTIONS', 'NODE_V8_COVERAGE'];

/**
 * Runs `sluice <args>` in `cwd`. Stdin is not a terminal (it is closed), so confirmations are
 * refused unless `--yes` is passed.
 *
 * @example
 * const r = await sluice(['status', '--json'], { cwd: dir });
 * expect(r.code).toBe(0);
 */
export function sluice(args: readonly string[], options: CliOptions): Promise<CliResult> {
  if (!existsSync(BIN)) throw new Error(`${BIN} does not exist: run \`npm run build\` first.`);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of SCRUBBED) delete env[key];
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), BIN, ...args],
      { cwd: options.cwd, env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(Object.assign(error, { stdout, stderr }));
          return;
        }
        resolvePromise({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

/** A temporary project directory, removed by `remove()`. */
export interface Project {
  dir: string;
  /** Writes a file relative to the project (creating directories). Returns its absolute path. */
  write(path: string, text: string): string;
  remove(): void;
}

/** Creates an empty temporary project directory. */
export function tempProject(prefix = 'sluice-cli-'): Project {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(path, text) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Parses stdout as JSON, failing with the whole output when it is not. */
export function json<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`,
    );
  }
}

/** The data directory of a `pglite:<dir>` URL. */
export function pgliteDir(url: string): string {
  return url.slice('pglite:'.length);
}

let pgliteTemplate: Promise<string> | undefined;

/**
 * A PGlite data directory initialised once per test process: PGlite's first start in a fresh
 * directory (initdb, in WebAssembly) takes seconds, so each test gets a copy of a closed one.
 */
function template(): Promise<string> {
  pgliteTemplate ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-pglite-template-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, 'db');
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite(dir);
    await db.waitReady;
    await db.close();
    return dir;
  })();
  return pgliteTemplate;
}

/** A fresh PGlite database in its own temporary directory (a copy of an initialised template). */
export async function createPgliteCopy(): Promise<TestDatabase> {
  const source = await template();
  const db = await createPgliteDatabase();
  cpSync(source, pgliteDir(db.url), { recursive: true });
  return db;
}

/** Both PostgreSQL targets for CLI suites: a new database on the real server, a new PGlite directory. */
export const CLI_TARGETS: { label: 'postgres' | 'pglite'; create: () => Promise<TestDatabase> }[] = [
  { label: 'postgres', create: () => createPgDatabase('cli') },
  { label: 'pglite', create: () => createPgliteCopy() },
];

/**
 * Runs one query directly on a test database (not through sluice), to check what a command really
 * did. For PGlite, no sluice process may have the directory open at the same time.
 */
export async function query<R = Record<string, unknown>>(url: string, text: string): Promise<R[]> {
  if (url.startsWith('pglite:')) {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite(pgliteDir(url));
    try {
      return (await db.query<R>(text)).rows;
    } finally {
      await db.close();
    }
  }
  const client = await pgClient(url);
  try {
    return (await client.query(text)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Names of the tables in the `public` schema, sorted. */
export async function tables(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  return rows.map((r) => r.name);
}

/**
 * The migration lines of human `sluice status` output as `state version name`, ignoring anything
 * after the name (such as a class annotation).
 */
export function statusRows(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => /^ {2}(applied|pending|drifted|missing|active) +(\d+) {2}(\S+)/.exec(line))
    .filter((m) => m !== null)
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`);
}

/**
 * The real server only. Every process start on PGlite pays for loading its WebAssembly, so suites of
 * many short CLI runs (errors, refusals) use the server; the same behaviours run on PGlite through
 * the library (test/integration/runner.test.ts), and every command runs on PGlite through the binary
 * in lifecycle.test.ts.
 */
export const SERVER_TARGETS = CLI_TARGETS.filter((t) => t.label === 'postgres');

/** A dbmate-format migration creating (and dropping) one table. */
export function tableMigration(table: string): string {
  return `-- migrate:up\nCREATE TABLE ${table} (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE ${table};\n`;
}

/** `version:state` of every migration, from `status --json` (which must succeed). */
export async function migrationStates(run: (...args: string[]) => Promise<CliResult>): Promise<string[]> {
  const r = await run('status', '--json');
  if (r.code !== 0) throw new Error(`status failed (exit ${r.code}): ${r.stderr}`);
  return json<{ migrations: { version: string; state: string }[] }>(r).migrations.map(
    (m) => `${m.version}:${m.state}`,
  );
}
