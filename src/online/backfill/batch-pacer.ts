/**
 * The pace of a backfill as one pure object: after each batch it is told what the batch saw, and
 * answers how big the next batch is, how long to sleep first, and what duration it aims at. The
 * rules themselves are the functions of pacing.ts; this keeps the state they carry from batch to
 * batch (the aimed duration, when a batch last ended, when other sessions were last busy), so the
 * engine's loop holds none of it. Time is an input: tests replay any history without a clock.
 */
import {
  type BatchLimits,
  backoffMs,
  nextBatchSize,
  nextTargetMs,
  pauseAfterBatch,
  type TargetLimits,
} from './pacing.js';

/** What the pacer is told about one committed batch. */
export interface BatchObservation {
  /** The size the batch ran with (smaller than asked when a retry halved it). */
  size: number;
  /** Keys it walked (fewer than `size` only for the last batch). */
  scanned: number;
  /** How long it took, in ms. */
  elapsedMs: number;
  /** Sessions that were waiting on its row locks as it committed. */
  waiters: number;
  /** Other client sessions of the database inside a transaction at that moment. */
  busySessions: number;
  /** When it ended, in ms on the clock the pacer was started with. */
  atMs: number;
}

/** The pacer's answer. */
export interface Pace {
  /** Size of the next batch, within `[minBatchSize, maxBatchSize]`. */
  size: number;
  /** Sleep before the next batch, in ms. */
  pauseMs: number;
  /** Duration the next batch aims at, within `[minTargetBatchMs, targetBatchMs]`. */
  targetMs: number;
}

/** Everything that bounds the pace (the engine's settings have all of it). */
export type PacerLimits = BatchLimits &
  TargetLimits & {
    /** Sleep between batches at least this long. */
    pauseMs: number;
    /** While other sessions are busy, sleep this many times a batch's duration after it. */
    yieldRatio: number;
  };

/**
 * Adaptive pacing of one backfill run.
 *
 * @example
 * const pacer = new BatchPacer(limits, { size: 1000, atMs: performance.now() });
 * const { size, pauseMs } = pacer.next({ size: 1000, scanned: 1000, elapsedMs: 25, waiters: 0, busySessions: 0, atMs: performance.now() });
 */
export class BatchPacer {
  private pace: Pace;
  private lastBatchAtMs: number;
  /** When a batch last saw other sessions busy; null until one has. */
  private busyAtMs: number | null = null;

  constructor(
    private readonly limits: PacerLimits,
    start: { size: number; atMs: number },
    private readonly random: () => number = Math.random,
  ) {
    this.pace = { size: start.size, pauseMs: limits.pauseMs, targetMs: limits.targetBatchMs };
    this.lastBatchAtMs = start.atMs;
  }

  /** The pace decided after the last batch (before the first: the starting size, `pauseMs`, `targetBatchMs`). */
  get current(): Pace {
    return this.pace;
  }

  /**
   * Takes in one committed batch and decides the next: the aimed duration halves while batches
   * make sessions wait and climbs back with time while they do not; the size moves toward what
   * would take the aimed duration at the last batch's rate; the pause yields to busy sessions.
   */
  next(batch: BatchObservation): Pace {
    if (batch.busySessions > 0) this.busyAtMs = batch.atMs;
    const sinceLastMs = batch.atMs - this.lastBatchAtMs;
    this.lastBatchAtMs = batch.atMs;
    const targetMs = nextTargetMs(this.pace.targetMs, batch.waiters, sinceLastMs, this.limits);
    const busyAgoMs = this.busyAtMs === null ? null : batch.atMs - this.busyAtMs;
    const pauseMs = pauseAfterBatch({ elapsedMs: batch.elapsedMs, busyAgoMs }, this.limits);
    const size = nextBatchSize(batch.size, batch.scanned, batch.elapsedMs, {
      ...this.limits,
      targetBatchMs: targetMs,
    });
    this.pace = { size, pauseMs, targetMs };
    return this.pace;
  }

  /**
   * How to retry a batch that failed on a lock timeout, deadlock or serialization failure: after a
   * jittered exponential backoff, at half the size (not below `minBatchSize`). It does not change
   * the pace: the size a retry settles on reaches the pacer through the next {@link next}.
   */
  retry(failed: { size: number; attempt: number }): { size: number; pauseMs: number } {
    return {
      size: Math.max(this.limits.minBatchSize, Math.floor(failed.size / 2)),
      pauseMs: backoffMs(failed.attempt, this.random),
    };
  }
}
