/**
 * Pure pacing logic: how big the next batch is, how long to back off. Kept apart from the loop so
 * unit tests can pin the numbers. (Which errors are worth a retry is the dialect's word:
 * `errorInfo(error).retryable`.)
 */

/** Limits of the adaptive batch size. */
export interface BatchLimits {
  targetBatchMs: number;
  minBatchSize: number;
  maxBatchSize: number;
}

/**
 * The size of the next batch: the size that would have taken `targetBatchMs` at the last batch's
 * rate, moved at most ×2 up or ×½ down per batch so one slow batch (a checkpoint, a lock wait)
 * does not swing the size, then clamped to the limits.
 *
 * @example
 * nextBatchSize(1000, 1000, 25, { targetBatchMs: 50, minBatchSize: 10, maxBatchSize: 50_000 }) // 2000
 */
export function nextBatchSize(
  current: number,
  scanned: number,
  elapsedMs: number,
  limits: BatchLimits,
): number {
  let next = current;
  // A short final batch says nothing about the rate of a full one.
  if (scanned >= current && scanned > 0) {
    const ideal = (scanned * limits.targetBatchMs) / Math.max(elapsedMs, 0.1);
    next = Math.min(Math.max(ideal, current / 2), current * 2);
  }
  return Math.round(Math.min(Math.max(next, limits.minBatchSize), limits.maxBatchSize));
}

/** Bounds of the batch duration aimed at: the configured target, and how low contention may take it. */
export interface TargetLimits {
  targetBatchMs: number;
  minTargetBatchMs: number;
}

/**
 * The duration the next batch aims at. A batch holds the lock of every row it has written until it
 * commits, so an application write to one of them waits up to a whole batch; the share of writes
 * that wait and how long they wait both grow with the batch's duration. When sessions were waiting
 * on the last batch as it committed, the aim halves (down to `minTargetBatchMs`); otherwise it
 * climbs back toward `targetBatchMs`, doubling per 2 s of batches that blocked nobody. Growing per
 * second rather than per batch keeps short batches for as long as the application keeps writing
 * into the range: per batch, the growth would outrun the (rarer) waiters of shorter batches. Short
 * batches cost little throughput: a batch's fixed cost is a few round trips.
 *
 * @example
 * nextTargetMs(50, 1, 50, { targetBatchMs: 50, minTargetBatchMs: 10 }) // 25
 * nextTargetMs(20, 0, 2000, { targetBatchMs: 50, minTargetBatchMs: 10 }) // 40
 */
export function nextTargetMs(
  current: number,
  waiters: number,
  elapsedMs: number,
  limits: TargetLimits,
): number {
  const next = waiters > 0 ? current / 2 : current * 2 ** (Math.max(0, elapsedMs) / 2000);
  return Math.min(Math.max(next, limits.minTargetBatchMs), limits.targetBatchMs);
}

/** How long after other sessions were last seen busy the backfill keeps yielding. */
export const YIELD_WINDOW_MS = 1000;

/**
 * The sleep after a batch: `pauseMs` at least; while other sessions of the same database were
 * seen inside a transaction at the end of a batch in the last second, `yieldRatio` times the
 * batch's own duration. A backfill running flat out keeps a core busy and fills the WAL that every
 * other session's commit must flush first; on a small server that is what stretches the
 * application's slowest requests, more than the row locks. Idle time in proportion to the work
 * (gh-ost's "nice ratio") gives it back while someone is there to use it, and an otherwise idle
 * database still gets the backfill at full speed.
 *
 * @example
 * pauseAfterBatch({ elapsedMs: 12, busyAgoMs: 40 }, { pauseMs: 0, yieldRatio: 1 }) // 12
 * pauseAfterBatch({ elapsedMs: 12, busyAgoMs: null }, { pauseMs: 5, yieldRatio: 1 }) // 5
 */
export function pauseAfterBatch(
  batch: { elapsedMs: number; busyAgoMs: number | null },
  s: { pauseMs: number; yieldRatio: number },
): number {
  const busy = batch.busyAgoMs !== null && batch.busyAgoMs < YIELD_WINDOW_MS;
  return Math.max(s.pauseMs, busy ? s.yieldRatio * Math.max(0, batch.elapsedMs) : 0);
}

/**
 * Backoff before retry `attempt` (1-based): exponential from 50 ms, capped at 5 s, with jitter so
 * a backfill and a blocked application do not collide in step again.
 *
 * @example
 * backoffMs(3, () => 0.5) // 300
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(50 * 2 ** (attempt - 1), 5000);
  return Math.round(base * (0.5 + random()));
}

/**
 * Sleeps, waking early (without throwing) when the signal aborts.
 *
 * @example
 * await sleep(100, signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Rate and ETA of a run, from keys walked in this run and the time since it started.
 *
 * @example
 * rate(5000, 2000, 10_000) // { rowsPerSecond: 2500, etaMs: 4000 }
 */
export function rate(
  rowsThisRun: number,
  elapsedMs: number,
  rowsLeft: number,
): { rowsPerSecond: number; etaMs: number | null } {
  if (rowsThisRun <= 0 || elapsedMs <= 0) return { rowsPerSecond: 0, etaMs: null };
  const rowsPerSecond = (rowsThisRun * 1000) / elapsedMs;
  return { rowsPerSecond, etaMs: Math.max(0, Math.round((rowsLeft / rowsPerSecond) * 1000)) };
}
