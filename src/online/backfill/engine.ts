/**
 * The backfill loop: resolve the spec, create or resume its checkpoint, then run batches until the
 * range is walked. Each batch also advances the checkpoint in the same commit (the dialect's
 * `writeBatch`), so stopping at any moment — abort, crash, `kill -9` — loses nothing and repeats
 * nothing. The loop is read (replicas), batch, pace ({@link BatchPacer}), report; everything
 * database-specific goes through the {@link BackfillDialect}.
 */
import type { Connection } from '../../dialects/dialect.js';
import { BatchPacer } from './batch-pacer.js';
import { resolveSpec } from './catalog.js';
import { ensureCheckpointTable, markDone, markStopped, readCheckpoints } from './checkpoint.js';
import type { BackfillDialect, BatchOutcome, BatchRange } from './dialect.js';
import { BackfillError } from './errors.js';
import { type BackfillRun, openCheckpoint, sameKey } from './open.js';
import { rate, sleep } from './pacing.js';
import { waitForReplicas } from './replication.js';
import { clampSize, cleanSpec, settings } from './settings.js';
import type {
  BackfillOptions,
  BackfillProgress,
  BackfillResult,
  BackfillSpec,
  BackfillStatus,
} from './types.js';

/** Where a run stands: the checkpoint's counters, and what the last batch saw as it committed. */
interface Position {
  lastKey: string[] | null;
  rowsDone: number;
  rowsWritten: number;
  batches: number;
  waiters: number;
  busySessions: number;
  /** Batches retried in this run. */
  retries: number;
}

const counters = (c: { rowsDone: number; rowsWritten: number; batches: number }) => ({
  rowsDone: c.rowsDone,
  rowsWritten: c.rowsWritten,
  batches: c.batches,
});

async function assertOutsideTransaction(conn: Connection, dialect: BackfillDialect, id: string) {
  if (!(await dialect.autocommit(conn))) {
    throw new BackfillError(
      'backfill-in-transaction',
      `Backfill ${id} cannot run inside a transaction: each batch must commit on its own.`,
      {
        details: {
          backfill: id,
          hint: 'Run it from a migration with transaction: false, or outside BEGIN … COMMIT.',
        },
      },
    );
  }
}

/**
 * Runs one batch, retrying what the dialect calls retryable (a lock timeout, a deadlock, a
 * serialization failure) as the pacer says.
 */
async function runBatch(run: BackfillRun, range: BatchRange, pacer: BatchPacer) {
  const { config, resolved } = run;
  let size = range.size;
  for (let attempt = 1; ; attempt++) {
    let statement = '';
    const started = performance.now();
    try {
      const outcome: BatchOutcome = await run.dialect.writeBatch(
        run.conn,
        resolved,
        config.stateSchema,
        { ...range, size },
        (text) => {
          statement = text;
        },
      );
      return { outcome, size, retries: attempt - 1, elapsedMs: performance.now() - started };
    } catch (error) {
      const retryable = run.dialect.errorInfo(error).retryable;
      if (!retryable || attempt > config.maxRetries || config.signal?.aborted) {
        const info = error as { message?: string; code?: string };
        throw new BackfillError(
          'backfill-failed',
          `Backfill ${resolved.spec.id} failed after key ${JSON.stringify(range.lastKey)}: ${info.message ?? String(error)}`,
          {
            cause: error,
            details: {
              backfill: resolved.spec.id,
              sqlState: info.code,
              statement,
              hint: 'Fix the cause; the checkpoint is kept, so the next run (or sluice backfill resume) continues from it.',
            },
          },
        );
      }
      const retry = pacer.retry({ size, attempt });
      await sleep(retry.pauseMs, config.signal);
      size = retry.size;
    }
  }
}

/** The progress callback of a run, fed from its position and pace. */
function reporter(run: BackfillRun, start: BackfillStatus, position: Position, pacer: BatchPacer) {
  const startedAt = performance.now();
  return (state: BackfillProgress['state'], extra: Partial<BackfillProgress> = {}) => {
    const onProgress = run.config.onProgress;
    if (!onProgress) return;
    const { lastKey, rowsDone, waiters, busySessions, retries } = position;
    const rowsTotal = state === 'done' ? rowsDone : Math.max(start.rowsTotal, rowsDone);
    const speed = rate(rowsDone - start.rowsDone, performance.now() - startedAt, rowsTotal - rowsDone);
    const pace = pacer.current;
    onProgress({
      id: run.resolved.spec.id,
      state,
      rowsTotal,
      ...counters(position),
      batchSize: pace.size,
      targetBatchMs: pace.targetMs,
      waiters,
      busySessions,
      pauseMs: pace.pauseMs,
      retries,
      ...speed,
      lastKey,
      ...extra,
    });
  };
}

function abortedError(run: BackfillRun, position: Position): BackfillError {
  const id = run.resolved.spec.id;
  return new BackfillError(
    'backfill-aborted',
    `Backfill ${id} stopped after ${position.rowsDone} rows; its checkpoint is kept.`,
    {
      cause: run.config.signal?.reason,
      details: {
        backfill: id,
        hint: 'Run it again (or sluice backfill resume) to continue from the checkpoint.',
      },
    },
  );
}

/** A run in progress: where it stands, its pace, and how it reports. */
interface Walk {
  run: BackfillRun;
  /** The end of the range (null: the table was empty when the backfill started). */
  maxKey: string[] | null;
  position: Position;
  pacer: BatchPacer;
  report: ReturnType<typeof reporter>;
}

/** Read: waits while a replica lags more than allowed (when a limit is set). */
async function waitForLaggingReplicas(walk: Walk): Promise<void> {
  const { run, report } = walk;
  const { config } = run;
  if (config.maxReplicationLagBytes === undefined) return;
  await waitForReplicas(
    config.replicationLag ?? (() => run.dialect.replicationLagBytes(run.conn)),
    config.maxReplicationLagBytes,
    {
      pollMs: config.replicationPollMs,
      signal: config.signal,
      onPause: (lag) => report('paused', { replicationLagBytes: lag }),
    },
  );
  if (config.signal?.aborted) throw abortedError(run, walk.position);
}

/**
 * After a batch that did not apply because another runner moved the checkpoint: continues from
 * where the checkpoint stands. False when there is nothing left to do.
 */
async function rejoin(walk: Walk): Promise<boolean> {
  const { run, position } = walk;
  const now = (await readCheckpoints(run.checkpoints, run.resolved.spec.id))[0];
  if (now) Object.assign(position, counters(now));
  if (!now || now.status === 'done') return false;
  position.lastKey = now.lastKey;
  return true;
}

/** The loop: read, batch, pace, report, until the range is walked; then marks the backfill done. */
async function runBatches(walk: Walk, status: BackfillStatus['status']): Promise<void> {
  const { run, maxKey, position, pacer, report } = walk;
  const { config } = run;
  const id = run.resolved.spec.id;
  if (status === 'failed') await markStopped(run.checkpoints, id, 'running', null);
  while (maxKey !== null && !sameKey(position.lastKey, maxKey)) {
    if (config.signal?.aborted) throw abortedError(run, position);
    await waitForLaggingReplicas(walk);
    const batch = await runBatch(run, { lastKey: position.lastKey, maxKey, size: pacer.current.size }, pacer);
    position.retries += batch.retries;
    const after = batch.outcome.checkpoint;
    if (after === null) {
      if (await rejoin(walk)) continue;
      return;
    }
    const scanned = after.rowsDone - position.rowsDone;
    const { waiters, busySessions } = batch.outcome;
    Object.assign(position, { lastKey: after.lastKey, ...counters(after), waiters, busySessions });
    const pace = pacer.next({
      size: batch.size,
      scanned,
      elapsedMs: batch.elapsedMs,
      waiters,
      busySessions,
      atMs: performance.now(),
    });
    report('batch');
    if (pace.pauseMs > 0 && !sameKey(position.lastKey, maxKey)) await sleep(pace.pauseMs, config.signal);
  }
  await markDone(run.checkpoints, id);
}

/** Runs the batches of an unfinished backfill from its checkpoint, with the batches' session settings. */
async function walk(run: BackfillRun, start: BackfillStatus): Promise<Position> {
  const { config } = run;
  const position: Position = {
    lastKey: start.lastKey,
    ...counters(start),
    waiters: 0,
    busySessions: 0,
    retries: 0,
  };
  const size = clampSize(
    start.batchSize ?? config.initialBatchSize,
    config.minBatchSize,
    config.maxBatchSize,
  );
  const pacer = new BatchPacer(config, { size, atMs: performance.now() });
  const report = reporter(run, start, position, pacer);
  report('start');
  try {
    await run.dialect.withBatchSettings(run.conn, config, () =>
      runBatches({ run, maxKey: start.maxKey, position, pacer, report }, start.status),
    );
  } catch (error) {
    if (!(error instanceof BackfillError && error.code === 'backfill-aborted')) {
      // Best effort: the error in flight matters more than recording it, and the connection may be
      // what failed.
      const failed = markStopped(run.checkpoints, run.resolved.spec.id, 'failed', (error as Error).message);
      await failed.catch(() => undefined);
    }
    throw error;
  }
  report('done', { etaMs: 0 });
  return position;
}

/**
 * Runs (or resumes) a backfill to the end, in batches that each commit with their checkpoint.
 * Must run outside a transaction, on a connection nothing else uses meanwhile. Running a finished
 * id again does nothing (`alreadyDone`); running an unfinished one continues it (`resumed`).
 *
 * @example
 * await runBackfill(conn, {
 *   id: '20240101_email:users', mode: 'update', table: { schema: 'public', name: 'users' },
 *   set: { email_address: 'email' }, where: 'email_address IS NULL',
 * }, { onProgress: createProgressBar() });
 */
export async function runBackfill(
  conn: Connection,
  spec: BackfillSpec,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const config = settings(options);
  const { dialect } = config;
  const resolved = await resolveSpec(conn, spec, dialect);
  resolved.spec = cleanSpec(resolved.spec);
  const id = resolved.spec.id;
  await assertOutsideTransaction(conn, dialect, id);
  const checkpoints = { conn, dialect, stateSchema: config.stateSchema };
  await ensureCheckpointTable(checkpoints);
  const run: BackfillRun = { conn, config, dialect, resolved, checkpoints };
  const { checkpoint, resumed } = await openCheckpoint(run);
  const result = (end: { rowsWritten: number; batches: number; retries: number }, alreadyDone: boolean) => ({
    id,
    rows: end.rowsWritten,
    batches: end.batches,
    retries: end.retries,
    resumed,
    alreadyDone,
  });
  if (checkpoint.status === 'done') return result({ ...checkpoint, retries: 0 }, true);
  return result(await walk(run, checkpoint), false);
}
