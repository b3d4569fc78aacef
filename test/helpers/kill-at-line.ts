/**
 * Crash injection at a chosen point of a TypeScript worker: the worker (run through jiti) prints a
 * line per step it finishes (a backfill batch, an online phase's event), and the parent SIGKILLs
 * it a few milliseconds after the n-th counted line, so the kill lands between steps or inside the
 * next one. (faults.ts kills the CLI a time after its first session instead.) Tests choose `n` and
 * the delay from a seeded random source and name the seed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');

export interface KillAtLineOptions {
  /** Kill after this many counted lines (null: let it finish). */
  killAfter: number | null;
  /** Milliseconds between that line and the kill. */
  delayMs: number;
  /** Which lines count (default: every line). */
  counts?: (line: string) => boolean;
}

export interface WorkerRun {
  /** `killed`: SIGKILL ended it; `done`: it exited with code 0 before the kill point. */
  outcome: 'killed' | 'done';
  /** Counted lines seen (when killed: up to the kill). */
  counted: number;
  /** Every line it printed. */
  lines: string[];
}

/**
 * Runs `node --import jiti/register <script> <args…>` from the repository root and kills it at the
 * chosen line; rejects when it fails on its own (with its stderr).
 *
 * @example
 * const run = await runWorkerKilledAtLine('test/integration/online/crash-worker.ts', [url, 'start', 'columns'], { killAfter: 7, delayMs: 12 });
 */
export function runWorkerKilledAtLine(
  script: string,
  args: readonly string[],
  options: KillAtLineOptions,
): Promise<WorkerRun> {
  const counts = options.counts ?? (() => true);
  return new Promise((done, fail) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'jiti/register', script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let counted = 0;
    let killed = false;
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (!counts(line)) return;
      counted++;
      if (options.killAfter !== null && counted === options.killAfter) {
        setTimeout(() => {
          killed = child.kill('SIGKILL');
        }, options.delayMs);
      }
    });
    child.on('error', fail);
    // 'close', not 'exit': every line it printed has been read by then.
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL' && killed) done({ outcome: 'killed', counted, lines });
      else if (code === 0) done({ outcome: 'done', counted, lines });
      else fail(new Error(`${script} exited ${code ?? signal}: ${stderr}`));
    });
  });
}
