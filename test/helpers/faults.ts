/**
 * Fault injection: kill a sluice process with SIGKILL at a seeded random moment, after its first
 * database session appears, the way a deploy host dies, an OOM killer strikes or a CI job is
 * cancelled. Fault tests name their seed so a failure can be repeated.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type pg from 'pg';
import { BIN } from './cli.js';

export interface KilledRun {
  /** `killed`: SIGKILL arrived before the process ended on its own. */
  outcome: 'killed' | 'exited';
  /** Exit code when it exited on its own. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds between the process's first database session and the kill. */
  killedAfterMs?: number;
  /**
   * After a kill: the dead process's sessions the server was still running a statement for. These
   * are the orphans whose work can still commit after the client is gone.
   */
  orphans: number;
}

export interface KillOptions {
  cwd: string;
  env?: Record<string, string>;
  /** A client on the target database, to see the child's sessions in `pg_stat_activity`. */
  observer: pg.Client;
  /** Kill this many ms after the child's first session appears (null: never kill). */
  killAfterMs: number | null;
  /** Give up waiting for the child after this long. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `sluice <args>` and SIGKILLs it `killAfterMs` after its first session shows up on the
 * server (sluice names its sessions `sluice user@host pid N`).
 *
 * @example
 * const run = await runAndKill(['up', '--json'], { cwd, observer, killAfterMs: 300 });
 */
export async function runAndKill(args: readonly string[], options: KillOptions): Promise<KilledRun> {
  // The developer's DATABASE_URL must not leak in; a test passes its own in `options.env`.
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: undefined, NO_COLOR: '1', ...options.env };
  if (env.DATABASE_URL === undefined) delete env.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  let exited = false;
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  let killedAfterMs: number | undefined;
  if (options.killAfterMs !== null) {
    const pattern = `sluice % pid ${child.pid}`;
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    // Wait for the child's first server session: killing before it connects tests nothing.
    while (!exited && Date.now() < deadline) {
      const r = await options.observer.query(
        'SELECT 1 FROM pg_stat_activity WHERE application_name LIKE $1',
        [pattern],
      );
      if ((r.rowCount ?? 0) > 0) break;
      await sleep(5);
    }
    if (!exited) {
      await sleep(options.killAfterMs);
      if (!exited) {
        child.kill('SIGKILL');
        killedAfterMs = options.killAfterMs;
      }
    }
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const { code, signal } = await ended;
  clearTimeout(timer);
  const outcome = signal === 'SIGKILL' && killedAfterMs !== undefined ? 'killed' : 'exited';
  let orphans = 0;
  if (outcome === 'killed') {
    const r = await options.observer.query(
      "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE $1 AND state = 'active'",
      [`sluice % pid ${child.pid}`],
    );
    orphans = r.rowCount ?? 0;
  }
  return {
    outcome,
    code,
    stdout,
    stderr,
    killedAfterMs: outcome === 'killed' ? killedAfterMs : undefined,
    orphans,
  };
}
