/**
 * A terminal progress bar over {@link BackfillProgress} events, for the CLI. The library itself never
 * prints: it only emits events.
 */
import cliProgress from 'cli-progress';
import type { BackfillProgress } from './types.js';

/** A progress handler that draws a bar; `stop()` ends the bar early (on an error). */
export type ProgressBar = ((p: BackfillProgress) => void) & { stop(): void };

/**
 * A count in at most four characters, for a bar that stays on one line.
 *
 * @example
 * shortCount(1_234_567) // '1.2M'
 */
export function shortCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return String(Math.round(n));
}

/**
 * Milliseconds as `1h02m`, `3m05s`, `12s`, or `?` when unknown.
 *
 * @example
 * shortDuration(65_000) // '1m05s'
 */
export function shortDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Why the backfill is going slower than it could, if it is: sessions it blocked or yields to. */
function yielding(p: BackfillProgress): string {
  if (p.state !== 'batch') return '';
  if (p.waiters > 0) return ` | ${p.waiters} waiting on its rows: shorter batches`;
  if (p.busySessions > 0)
    return ` | yielding to ${p.busySessions} busy session${p.busySessions === 1 ? '' : 's'}`;
  return '';
}

/**
 * A cli-progress bar showing rows, rows/s and ETA of a backfill; one bar per backfill id, stopped
 * on its `done` event. Draws nothing when `stream` is not a terminal.
 *
 * @example
 * await runBackfill(conn, spec, { onProgress: createProgressBar(process.stderr) });
 */
export function createProgressBar(stream: NodeJS.WritableStream = process.stderr): ProgressBar {
  let bar: cliProgress.SingleBar | null = null;
  let current: string | null = null;
  const stop = () => {
    bar?.stop();
    bar = null;
    current = null;
  };
  const payload = (p: BackfillProgress) => ({
    id: p.id,
    rows: `${shortCount(p.rowsDone)}/${shortCount(p.rowsTotal)}`,
    rate: shortCount(p.rowsPerSecond),
    // Not `eta`: cli-progress reserves that name for its own estimate.
    left:
      p.state === 'paused'
        ? `paused: replica ${shortCount(p.replicationLagBytes ?? 0)}B behind`
        : `ETA ${shortDuration(p.etaMs)}${yielding(p)}`,
  });
  const handler = (p: BackfillProgress) => {
    if (current !== p.id) {
      stop();
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: 'backfill {id} [{bar}] {percentage}% | {rows} rows | {rate} rows/s | {left}',
          hideCursor: false,
          clearOnComplete: false,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(p.rowsTotal, 1), p.rowsDone, payload(p));
      current = p.id;
    }
    bar?.setTotal(Math.max(p.rowsTotal, p.rowsDone, 1));
    bar?.update(p.rowsDone, payload(p));
    if (p.state === 'done') stop();
  };
  return Object.assign(handler, { stop });
}
