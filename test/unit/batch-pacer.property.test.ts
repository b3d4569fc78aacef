/**
 * The backfill's pacing as a pure object (BatchPacer), over generated histories of batches: the
 * size and the aimed duration stay within their limits, the pacer backs off while batches make
 * sessions wait or run slow, yields while sessions are busy, and grows back once the database is
 * healthy. One property replays each history through the loop's former inline arithmetic, so the
 * pacing decisions are the ones the engine made before the pacer existed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchObservation, BatchPacer, type Pace } from '../../src/online/backfill/batch-pacer.js';
import { nextBatchSize, nextTargetMs, pauseAfterBatch } from '../../src/online/backfill/pacing.js';
import { type Settings, settings } from '../../src/online/backfill/settings.js';

const SEED = 20260117;
const RUNS = 300;

/** Limits as the engine builds them (settings() clamps them into a consistent set). */
const limitsArb = fc
  .record({
    minBatchSize: fc.integer({ min: 1, max: 2000 }),
    maxBatchSize: fc.integer({ min: 1, max: 100_000 }),
    initialBatchSize: fc.integer({ min: 1, max: 100_000 }),
    targetBatchMs: fc.integer({ min: 1, max: 500 }),
    minTargetBatchMs: fc.integer({ min: 1, max: 500 }),
    pauseMs: fc.integer({ min: 0, max: 200 }),
    yieldRatio: fc.double({ min: 0, max: 5, noNaN: true }),
  })
  .map((o) => settings(o));

/** One step of a history: what the next batch will see. */
interface Step {
  /** The batch was the last, partial one (fewer keys than its size). */
  partial: boolean;
  partialKeys: number;
  elapsedMs: number;
  waiters: number;
  busySessions: number;
  /** Time between the end of the previous batch and the end of this one. */
  gapMs: number;
  /** Lock-timeout retries before the batch went through. */
  retries: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  partial: fc.constantFrom(false, false, false, true),
  partialKeys: fc.integer({ min: 0, max: 100_000 }),
  elapsedMs: fc.double({ min: 0, max: 5000, noNaN: true }),
  waiters: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 })),
  busySessions: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 })),
  gapMs: fc.double({ min: 0, max: 5000, noNaN: true }),
  retries: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 3 })),
});

/** Drives a pacer the way the engine does, returning each observation and the pace after it. */
function replay(limits: Settings, steps: Step[]) {
  let now = 1000;
  const pacer = new BatchPacer(limits, { size: limits.initialBatchSize, atMs: now }, () => 0.5);
  const trace: { before: Pace; batch: BatchObservation; after: Pace }[] = [];
  for (const step of steps) {
    const before = pacer.current;
    let size = before.size;
    for (let attempt = 1; attempt <= step.retries; attempt++) size = pacer.retry({ size, attempt }).size;
    now += step.gapMs;
    const batch: BatchObservation = {
      size,
      scanned: step.partial ? Math.min(step.partialKeys, size - 1) : size,
      elapsedMs: step.elapsedMs,
      waiters: step.waiters,
      busySessions: step.busySessions,
      atMs: now,
    };
    trace.push({ before, batch, after: pacer.next(batch) });
  }
  return trace;
}

const property = <T>(arb: fc.Arbitrary<T>, check: (value: T) => void) =>
  fc.assert(fc.property(arb, check), { seed: SEED, numRuns: RUNS });

describe('BatchPacer', () => {
  it('keeps the size, the aimed duration and the pause within their limits (seed 20260117)', () => {
    property(fc.tuple(limitsArb, fc.array(stepArb, { maxLength: 60 })), ([limits, steps]) => {
      for (const { batch, after } of replay(limits, steps)) {
        expect(batch.size).toBeGreaterThanOrEqual(limits.minBatchSize);
        expect(after.size).toBeGreaterThanOrEqual(limits.minBatchSize);
        expect(after.size).toBeLessThanOrEqual(limits.maxBatchSize);
        expect(Number.isInteger(after.size)).toBe(true);
        expect(after.targetMs).toBeGreaterThanOrEqual(limits.minTargetBatchMs);
        expect(after.targetMs).toBeLessThanOrEqual(limits.targetBatchMs);
        expect(after.pauseMs).toBeGreaterThanOrEqual(limits.pauseMs);
      }
    });
  });

  it('halves the aim while batches make sessions wait, and never grows after a batch slower than its aim', () => {
    property(fc.tuple(limitsArb, fc.array(stepArb, { minLength: 1, maxLength: 60 })), ([limits, steps]) => {
      for (const { before, batch, after } of replay(limits, steps)) {
        if (batch.waiters > 0) {
          expect(after.targetMs).toBe(Math.max(before.targetMs / 2, limits.minTargetBatchMs));
        }
        if (batch.scanned === batch.size && batch.elapsedMs >= after.targetMs) {
          expect(after.size).toBeLessThanOrEqual(batch.size);
        }
      }
    });
  });

  it('yields a share of the batch time while other sessions are busy, and only then', () => {
    property(fc.tuple(limitsArb, fc.array(stepArb, { minLength: 1, maxLength: 60 })), ([limits, steps]) => {
      for (const { batch, after } of replay(limits, steps)) {
        if (batch.busySessions > 0) {
          expect(after.pauseMs).toBeCloseTo(Math.max(limits.pauseMs, limits.yieldRatio * batch.elapsedMs), 9);
        }
      }
      // A second with nobody busy: back to the configured pause.
      const quiet = replay(limits, [
        ...steps,
        {
          partial: false,
          partialKeys: 0,
          elapsedMs: 5,
          waiters: 0,
          busySessions: 0,
          gapMs: 1000,
          retries: 0,
        },
      ]);
      expect(quiet.at(-1)?.after.pauseMs).toBe(limits.pauseMs);
    });
  });

  it('halves a retried batch, never below the minimum, after a growing backoff', () => {
    property(fc.tuple(limitsArb, fc.integer({ min: 1, max: 12 })), ([limits, attempt]) => {
      const pacer = new BatchPacer(limits, { size: limits.maxBatchSize, atMs: 0 }, () => 0.5);
      const retry = pacer.retry({ size: limits.maxBatchSize, attempt });
      expect(retry.size).toBe(Math.max(limits.minBatchSize, Math.floor(limits.maxBatchSize / 2)));
      expect(retry.pauseMs).toBe(Math.min(50 * 2 ** (attempt - 1), 5000));
      expect(pacer.current.size).toBe(limits.maxBatchSize);
    });
  });

  it('grows back to the full aim and the size that fills it once batches block nobody', () => {
    const msPerRow = fc.double({ min: 0.01, max: 1, noNaN: true });
    property(fc.tuple(limitsArb, fc.array(stepArb, { maxLength: 40 }), msPerRow), ([limits, steps, rate]) => {
      const fill = (size: number): Step => ({
        partial: false,
        partialKeys: 0,
        elapsedMs: Math.max(0.1, size * rate),
        waiters: 0,
        busySessions: 0,
        gapMs: 1000,
        retries: 0,
      });
      // Whatever happened before, 40 healthy batches a second apart (the aim doubles every 2 s).
      let trace = replay(limits, steps);
      const history = [...steps];
      for (let i = 0; i < 40; i++) {
        history.push(fill(trace.at(-1)?.after.size ?? limits.initialBatchSize));
        trace = replay(limits, history);
      }
      const last = trace.at(-1)?.after;
      expect(last?.targetMs).toBe(limits.targetBatchMs);
      expect(last?.pauseMs).toBe(limits.pauseMs);
      const ideal = Math.round(limits.targetBatchMs / rate);
      const expected = Math.min(Math.max(ideal, limits.minBatchSize), limits.maxBatchSize);
      expect(Math.abs((last?.size ?? 0) - expected)).toBeLessThanOrEqual(Math.max(1, expected * 0.01));
    });
  });

  it("decides exactly what the engine's loop decided before the pacer existed", () => {
    property(fc.tuple(limitsArb, fc.array(stepArb, { maxLength: 60 })), ([limits, steps]) => {
      // The loop's former locals and arithmetic (engine.ts before BatchPacer), verbatim.
      let sinceLastBatch = 1000;
      let targetMs = limits.targetBatchMs;
      let busyAt: number | null = null;
      for (const { batch, after } of replay(limits, steps)) {
        const now = batch.atMs;
        if (batch.busySessions > 0) busyAt = now;
        targetMs = nextTargetMs(targetMs, batch.waiters, now - sinceLastBatch, limits);
        sinceLastBatch = now;
        const pauseMs = pauseAfterBatch(
          { elapsedMs: batch.elapsedMs, busyAgoMs: busyAt === null ? null : now - busyAt },
          limits,
        );
        const size = nextBatchSize(batch.size, batch.scanned, batch.elapsedMs, {
          ...limits,
          targetBatchMs: targetMs,
        });
        expect(after).toEqual({ size, pauseMs, targetMs });
      }
    });
  });
});
