/**
 * The backfill loop: resolve the spec, create or resume its checkpoint, then run batches until the
 * range is walked. Each batch is one statement that also advances the checkpoint (statements.ts),
 * so stopping at any moment — abort, crash, `kill -9` — loses nothing and repeats nothing.
 */
import type { Connection } from '../../dialects/dialect.js';
import { postgresQuoting, render, type SqlFragment } from '../../sql/tag.js';
import { resolveSpec } from './catalog.js';
import {
  ensureCheckpointTable,
  insertCheckpoint,
  markDone,
  markStopped,
  readCheckpoints,
  run,
  sameSpec,
} from './checkpoint.js';
import { BackfillError } from './errors.js';
import {
  backoffMs,
  isRetryable,
  nextBatchSize,
  nextTargetMs,
  pauseAfterBatch,
  rate,
  sleep,
} from './pacing.js';
import { explainResolved } from './plan-check.js';
import { replicationLagBytes, waitForReplicas } from './replication.js';
import { clampSize, cleanSpec, type Settings, settings } from './settings.js';
import {
  batchStatement,
  estimateStatement,
  maxKeyStatement,
  nextKeyStatement,
  plannerEstimateStatement,
  type ResolvedSpec,
  remainingKeysStatement,
} from './statements.js';
import type {
  BackfillOptions,
  BackfillProgress,
  BackfillResult,
  BackfillSpec,
  BackfillStatus,
} from './types.js';

async function assertOutsideTransaction(conn: Connection, id: string): Promise<void> {
  // In autocommit each statement starts its own transaction, so both clocks read the same instant;
  // inside BEGIN … the transaction started earlier. Batches must commit one by one.
  const res = await conn.query<{ autocommit: boolean }>('SELECT now() = statement_timestamp() AS autocommit');
  if (res.rows[0]?.autocommit !== true) {
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

const sameKey = (a: readonly string[] | null, b: readonly string[] | null) =>
  a !== null && b !== null && a.length === b.length && a.every((v, i) => v === b[i]);

async function estimateRows(conn: Connection, r: ResolvedSpec): Promise<number> {
  // -1 means "never vacuumed nor analyzed"; partitioned parents have no tuples of their own.
  const reltuples = (await run<{ reltuples: number }>(conn, estimateStatement(r)))[0]?.reltuples ?? -1;
  if (reltuples > 0) return Math.round(reltuples);
  const plan = (
    await run<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(conn, plannerEstimateStatement(r))
  )[0];
  return Math.max(0, Math.round(plan?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0));
}

/** EXPLAINs a batch: a bad expression or where clause fails here, by name, before anything is written. */
async function preflight(
  conn: Connection,
  r: ResolvedSpec,
  s: Settings,
  lastKey: string[] | null,
  maxKey: string[],
) {
  try {
    await explainResolved(conn, r, s.stateSchema, { lastKey, maxKey, batchSize: s.initialBatchSize });
  } catch (cause) {
    throw new BackfillError(
      'backfill-invalid-spec',
      `Backfill ${r.spec.id}: its SQL does not compile: ${(cause as Error).message}`,
      {
        cause,
        details: {
          backfill: r.spec.id,
          hint: 'Check the expressions in set/columns and the where condition.',
        },
      },
    );
  }
}

/** Creates the checkpoint of a new backfill, or returns the existing one (checked against the spec). */
async function openCheckpoint(
  conn: Connection,
  r: ResolvedSpec,
  s: Settings,
): Promise<{ cp: BackfillStatus; resumed: boolean }> {
  const id = r.spec.id;
  const existing = (await readCheckpoints(conn, s.stateSchema, id))[0];
  if (!existing) {
    const maxKey = (await run<{ key: string[] }>(conn, maxKeyStatement(r)))[0]?.key ?? null;
    if (maxKey) await preflight(conn, r, s, null, maxKey);
    const rowsTotal = maxKey === null ? 0 : await estimateRows(conn, r);
    const c = { spec: r.spec, keyColumns: r.keyColumns, maxKey, rowsTotal, batchSize: s.initialBatchSize };
    const inserted = await insertCheckpoint(conn, s.stateSchema, c);
    const cp = (await readCheckpoints(conn, s.stateSchema, id))[0];
    if (inserted && cp) return { cp, resumed: false };
    // Lost a race with another runner starting the same backfill: continue from its checkpoint.
    return openCheckpoint(conn, r, s);
  }
  if (!sameSpec(existing.spec, r.spec)) {
    throw new BackfillError(
      'backfill-spec-mismatch',
      `Backfill ${id} already has a checkpoint for a different spec: ${JSON.stringify(existing.spec)}.`,
      {
        details: {
          backfill: id,
          hint: 'Give the new backfill a new id, or clear the old checkpoint (clearBackfill).',
        },
      },
    );
  }
  if (!sameKey(existing.keyColumns, r.keyColumns)) {
    throw new BackfillError(
      'backfill-spec-mismatch',
      `Backfill ${id}: the primary key changed from (${existing.keyColumns.join(', ')}) to (${r.keyColumns.join(', ')}) since it started.`,
      {
        details: { backfill: id, hint: 'Clear the checkpoint (clearBackfill) and start the backfill again.' },
      },
    );
  }
  if (existing.status !== 'done' && existing.maxKey)
    await preflight(conn, r, s, existing.lastKey, existing.maxKey);
  return { cp: existing, resumed: true };
}

interface BatchRow {
  last_key: string[] | null;
  rows_done: number | null;
  rows_written: number | null;
  batches: number | null;
  /** Sessions waiting on the batch's transaction as it finished writing. */
  waiters: number;
  /** Other client sessions inside a transaction at that moment. */
  busy: number;
}

/** Finds the end of the next batch, then writes it with its checkpoint. */
async function attemptBatch(
  conn: Connection,
  r: ResolvedSpec,
  s: Settings,
  lastKey: string[] | null,
  maxKey: string[],
  size: number,
  statement: { text: string },
): Promise<BatchRow> {
  const exec = async <R>(fragment: SqlFragment) => {
    const { text, values } = render(fragment, postgresQuoting);
    statement.text = text;
    return (await conn.query<R>(text, values)).rows;
  };
  const next = (await exec<{ key: string[] }>(nextKeyStatement(r, lastKey, maxKey, size)))[0];
  const hiKey = next?.key ?? maxKey;
  const keys = next
    ? size
    : ((await exec<{ n: number }>(remainingKeysStatement(r, lastKey, maxKey)))[0]?.n ?? 0);
  const row = (
    await exec<BatchRow>(batchStatement(r, s.stateSchema, { lastKey, hiKey, keys, batchSize: size }))
  )[0];
  if (!row) throw new Error('the batch statement returned no row');
  return row;
}

/** Runs one batch, retrying transient failures (lock timeout, deadlock) with backoff and a halved size. */
async function runBatch(
  conn: Connection,
  r: ResolvedSpec,
  s: Settings,
  lastKey: string[] | null,
  maxKey: string[],
  size: number,
) {
  for (let attempt = 1; ; attempt++) {
    const statement = { text: '' };
    const started = performance.now();
    try {
      const row = await attemptBatch(conn, r, s, lastKey, maxKey, size, statement);
      return { row, size, retries: attempt - 1, elapsedMs: performance.now() - started };
    } catch (error) {
      if (!isRetryable(error) || attempt > s.maxRetries || s.signal?.aborted) {
        const info = error as { message?: string; code?: string };
        throw new BackfillError(
          'backfill-failed',
          `Backfill ${r.spec.id} failed after key ${JSON.stringify(lastKey)}: ${info.message ?? String(error)}`,
          {
            cause: error,
            details: {
              backfill: r.spec.id,
              sqlState: info.code,
              statement: statement.text,
              hint: 'Fix the cause; the checkpoint is kept, so the next run (or sluice backfill resume) continues from it.',
            },
          },
        );
      }
      await sleep(backoffMs(attempt), s.signal);
      size = Math.max(s.minBatchSize, Math.floor(size / 2));
    }
  }
}

/**
 * Session settings for the batches, restored afterwards (the connection may be the runner's):
 * - a short `lock_timeout`, so a batch queued behind a lock gives up and retries instead of
 *   making every later query queue behind it;
 * - `synchronous_commit = off` unless asked otherwise: a batch commits without waiting for its WAL
 *   to reach the disk. A server crash can then lose the last few commits, but each commit holds a
 *   batch *and* its checkpoint, so both are lost together and the resume redoes them. Not waiting
 *   for a flush per batch is most of the gap to one big UPDATE, which flushes once.
 */
async function withSessionSettings<T>(conn: Connection, s: Settings, fn: () => Promise<T>): Promise<T> {
  const wanted: [string, string][] = [['lock_timeout', `${s.lockTimeoutMs}ms`]];
  if (!s.synchronousCommit) wanted.push(['synchronous_commit', 'off']);
  const previous: [string, string][] = [];
  for (const [name, value] of wanted) {
    const res = await conn.query<{ v: string }>('SELECT current_setting($1) AS v', [name]);
    previous.push([name, res.rows[0]?.v ?? '']);
    await conn.query('SELECT set_config($1, $2, false)', [name, value]);
  }
  try {
    return await fn();
  } finally {
    for (const [name, value] of previous) {
      // A dead connection cannot be restored, and its error must not hide the one in flight.
      await conn.query('SELECT set_config($1, $2, false)', [name, value]).catch(() => undefined);
    }
  }
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
  const s = settings(options);
  const r = await resolveSpec(conn, spec);
  r.spec = cleanSpec(r.spec);
  const id = r.spec.id;
  await assertOutsideTransaction(conn, id);
  await ensureCheckpointTable(conn, s.stateSchema);
  const { cp, resumed } = await openCheckpoint(conn, r, s);
  const result = (alreadyDone: boolean, retries = 0): BackfillResult => ({
    id,
    rows: totals.rowsWritten,
    batches: totals.batches,
    retries,
    resumed,
    alreadyDone,
  });
  let totals = { rowsDone: cp.rowsDone, rowsWritten: cp.rowsWritten, batches: cp.batches };
  if (cp.status === 'done') return result(true);

  const maxKey = cp.maxKey;
  let lastKey = cp.lastKey;
  let size = clampSize(cp.batchSize ?? s.initialBatchSize, s.minBatchSize, s.maxBatchSize);
  let targetMs = s.targetBatchMs;
  let waiters = 0;
  let busySessions = 0;
  let busyAt: number | null = null;
  let pauseMs = s.pauseMs;
  let sinceLastBatch = performance.now();
  let retries = 0;
  const runStarted = performance.now();
  const emit = (state: BackfillProgress['state'], extra: Partial<BackfillProgress> = {}) => {
    if (!s.onProgress) return;
    const rowsTotal = state === 'done' ? totals.rowsDone : Math.max(cp.rowsTotal, totals.rowsDone);
    const left = rowsTotal - totals.rowsDone;
    const { rowsPerSecond, etaMs } = rate(
      totals.rowsDone - cp.rowsDone,
      performance.now() - runStarted,
      left,
    );
    s.onProgress({
      id,
      state,
      rowsTotal,
      ...totals,
      batchSize: size,
      targetBatchMs: targetMs,
      waiters,
      busySessions,
      pauseMs,
      retries,
      rowsPerSecond,
      etaMs,
      lastKey,
      ...extra,
    });
  };
  const aborted = () =>
    new BackfillError(
      'backfill-aborted',
      `Backfill ${id} stopped after ${totals.rowsDone} rows; its checkpoint is kept.`,
      {
        cause: s.signal?.reason,
        details: {
          backfill: id,
          hint: 'Run it again (or sluice backfill resume) to continue from the checkpoint.',
        },
      },
    );

  emit('start');
  try {
    await withSessionSettings(conn, s, async () => {
      if (cp.status === 'failed') await markStopped(conn, s.stateSchema, id, 'running', null);
      while (maxKey !== null && !sameKey(lastKey, maxKey)) {
        if (s.signal?.aborted) throw aborted();
        if (s.maxReplicationLagBytes !== undefined) {
          await waitForReplicas(
            s.replicationLag ?? (() => replicationLagBytes(conn)),
            s.maxReplicationLagBytes,
            {
              pollMs: s.replicationPollMs,
              signal: s.signal,
              onPause: (lag) => emit('paused', { replicationLagBytes: lag }),
            },
          );
          if (s.signal?.aborted) throw aborted();
        }
        const batch = await runBatch(conn, r, s, lastKey, maxKey, size);
        retries += batch.retries;
        const { row } = batch;
        if (row.last_key === null || row.rows_done === null) {
          // Another runner moved the checkpoint: continue from where it stands.
          const now = (await readCheckpoints(conn, s.stateSchema, id))[0];
          if (now) totals = { rowsDone: now.rowsDone, rowsWritten: now.rowsWritten, batches: now.batches };
          if (!now || now.status === 'done') return;
          lastKey = now.lastKey;
          continue;
        }
        const scanned = row.rows_done - totals.rowsDone;
        lastKey = row.last_key;
        totals = { rowsDone: row.rows_done, rowsWritten: row.rows_written ?? 0, batches: row.batches ?? 0 };
        waiters = row.waiters;
        busySessions = row.busy;
        const now = performance.now();
        if (busySessions > 0) busyAt = now;
        targetMs = nextTargetMs(targetMs, waiters, now - sinceLastBatch, s);
        sinceLastBatch = now;
        pauseMs = pauseAfterBatch(
          { elapsedMs: batch.elapsedMs, busyAgoMs: busyAt === null ? null : now - busyAt },
          s,
        );
        size = nextBatchSize(batch.size, scanned, batch.elapsedMs, { ...s, targetBatchMs: targetMs });
        emit('batch');
        if (pauseMs > 0 && !sameKey(lastKey, maxKey)) await sleep(pauseMs, s.signal);
      }
      await markDone(conn, s.stateSchema, id);
    });
  } catch (error) {
    if (!(error instanceof BackfillError && error.code === 'backfill-aborted')) {
      // Best effort: the error in flight matters more than recording it, and the connection may be
      // what failed.
      await markStopped(conn, s.stateSchema, id, 'failed', (error as Error).message).catch(() => undefined);
    }
    throw error;
  }
  emit('done', { etaMs: 0 });
  return result(false, retries);
}
