/**
 * The public shapes of the backfill engine: what to backfill ({@link BackfillSpec}), how fast
 * ({@link BackfillOptions}) and what it reports ({@link BackfillProgress}). Specs are plain JSON
 * data on purpose: they are stored beside the checkpoint so `sluice backfill resume` can finish a
 * backfill without the migration file that started it.
 */
import type { BackfillDialect } from './dialect.js';

/** A table, always schema-qualified so a checkpoint means the same table in every session. */
export interface TableRef {
  schema: string;
  name: string;
}

/**
 * What to backfill. `id` names the checkpoint: running the same id again resumes it (or returns at
 * once when it is done); a different spec under an existing id is refused.
 *
 * - `update`: `UPDATE table SET column = expression` over every row that exists when the backfill
 *   starts (and matches `where`).
 * - `copy`: `INSERT INTO target (column, …) SELECT expression, … FROM source … ON CONFLICT DO NOTHING`,
 *   for blue-green table copies.
 *
 * Expressions in `set`, `columns` and `where` are trusted SQL written by the migration author, spliced
 * as is; table and column names are always quoted.
 *
 * @example
 * const spec: BackfillSpec = {
 *   id: '20240101_email:users', mode: 'update', table: { schema: 'public', name: 'users' },
 *   set: { email_address: 'lower(email)' }, where: 'email_address IS NULL',
 * };
 */
export type BackfillSpec =
  | {
      id: string;
      mode: 'update';
      table: TableRef;
      /** Column → trusted SQL expression over the row. */
      set: Record<string, string>;
      /** Trusted SQL condition over the row; rows where it is not true are left alone. */
      where?: string;
    }
  | {
      id: string;
      mode: 'copy';
      source: TableRef;
      target: TableRef;
      /** Target column → trusted SQL expression over the source row. */
      columns: Record<string, string>;
      /** Trusted SQL condition over the source row. */
      where?: string;
    };

/** A spec checked against the catalog: the table whose primary key is walked, and that key. */
export interface ResolvedSpec {
  spec: BackfillSpec;
  /** The table walked: `table` in update mode, `source` in copy mode. */
  keyTable: TableRef;
  /** Primary key columns in index order. */
  keyColumns: string[];
}

/**
 * One progress event. `rowsDone` counts primary keys walked (matching `where` or not), so it
 * reaches `rowsTotal` at the end; `rowsTotal` is the planner's estimate until the last event.
 *
 * @example
 * runBackfill(conn, spec, { onProgress: (p) => console.log(`${p.rowsDone}/${p.rowsTotal}`) });
 */
export interface BackfillProgress {
  id: string;
  /**
   * `start` before the first batch of this run (with the checkpoint's counts when resuming),
   * `batch` after each committed batch, `paused` while waiting for replicas to catch up, `done` once.
   */
  state: 'start' | 'batch' | 'paused' | 'done';
  rowsDone: number;
  /** Estimate of the rows to walk (the planner's), corrected upward as rows are walked. */
  rowsTotal: number;
  /** Rows actually written (updated or inserted) so far. */
  rowsWritten: number;
  batches: number;
  /** Batches retried in this run after a lock timeout, deadlock or serialization failure. */
  retries: number;
  /** Size the next batch will have (the adaptive size). */
  batchSize: number;
  /** Duration the next batch aims at: `targetBatchMs`, or less while batches block other sessions. */
  targetBatchMs: number;
  /** Sessions that were waiting on the last batch's row locks when it committed (0 before any batch). */
  waiters: number;
  /** Other client sessions of the backfill's database inside a transaction as the last batch ended (0 before any batch). */
  busySessions: number;
  /** Sleep before the next batch: `pauseMs`, or more while the backfill yields to busy sessions. */
  pauseMs: number;
  /** Keys walked per second in this run. */
  rowsPerSecond: number;
  /** Estimated time left, or null before the first batch of this run. */
  etaMs: number | null;
  /** Primary key of the last row done (text form of each column), or null before the first batch. */
  lastKey: string[] | null;
  /** When `state` is `paused`: the replication lag, in bytes, that caused the pause. */
  replicationLagBytes?: number;
}

/**
 * How a backfill runs. Every field is optional.
 *
 * @example
 * { targetBatchMs: 50, pauseMs: 10, maxReplicationLagBytes: 64 * 1024 * 1024, signal: ac.signal }
 */
export interface BackfillOptions {
  /** Batch size adapts so each batch takes about this long. Default 50 ms. */
  targetBatchMs?: number;
  /**
   * While application sessions queue behind a batch's row locks, the duration aimed at halves per
   * such batch down to this, and climbs back (doubling per 2 s) while batches block nobody. Default
   * 25 ms (never above `targetBatchMs`); set it equal to `targetBatchMs` to turn this off. Lower is
   * not better: each batch costs the application a commit's worth of WAL flush and CPU (see the
   * README's figures: the writer's p99 ratio in `bench/backfill.mjs` was 1.93x with 10 ms, 1.0-1.3x
   * with 25 ms).
   */
  minTargetBatchMs?: number;
  /** Size of the first batch of a fresh backfill (a resume reuses the last tuned size). Default 1000. */
  initialBatchSize?: number;
  /** Default 10. */
  minBatchSize?: number;
  /** Default 50,000. */
  maxBatchSize?: number;
  /** Sleep between batches, to leave headroom to other work. Default 0. */
  pauseMs?: number;
  /**
   * While other client sessions of the backfill's database (not of other databases on the server)
   * were seen inside a transaction at the end of a batch in the last second, sleep this many times
   * the batch's duration after each batch (at least `pauseMs`). Default 2: while the application
   * works, the backfill runs a third of the time (on a small server, a backfill running flat out is
   * what stretches the application's slowest requests); on an otherwise idle database it runs flat
   * out. 0 turns yielding off.
   */
  yieldRatio?: number;
  /** Pause while a replica (`pg_stat_replication`) lags more than this many bytes of WAL. Default: no limit. */
  maxReplicationLagBytes?: number;
  /**
   * How to measure replication lag in bytes instead of `pg_stat_replication` (for managed services
   * whose replicas do not appear there). Only used with `maxReplicationLagBytes`.
   */
  replicationLag?: () => Promise<number>;
  /** How often to look at the lag while paused. Default 1000 ms. */
  replicationPollMs?: number;
  /** `lock_timeout` of each batch; a batch that times out is retried with backoff. Default 2000 ms. */
  lockTimeoutMs?: number;
  /**
   * Wait for each batch's WAL to be flushed (and for synchronous standbys) before the next batch.
   * Default false: batches commit with `synchronous_commit = off`, which is safe here because a
   * commit lost in a server crash loses its checkpoint with it, and the resume redoes the batch.
   */
  synchronousCommit?: boolean;
  /** Retries of one batch on lock timeout, deadlock or serialization failure. Default 8. */
  maxRetries?: number;
  onProgress?: (p: BackfillProgress) => void;
  /** Stops the backfill between batches; the checkpoint stays, so it can be resumed. */
  signal?: AbortSignal;
  /** Schema of the checkpoint table. Default `sluice`. */
  stateSchema?: string;
  /** The database's side of the engine (its SQL and catalog reads). Default: PostgreSQL's. */
  dialect?: BackfillDialect;
}

/** What {@link runBackfill} returns. Counts cover the whole backfill, earlier interrupted runs included. */
export interface BackfillResult {
  id: string;
  /** Rows written (updated or inserted). */
  rows: number;
  batches: number;
  /** Batches retried in this run after a lock timeout, deadlock or serialization failure. */
  retries: number;
  /** True when a checkpoint of an earlier run was found and continued. */
  resumed: boolean;
  /** True when the checkpoint said the backfill had already finished: nothing was done. */
  alreadyDone: boolean;
}

/** A backfill as its checkpoint records it. */
export interface BackfillStatus {
  id: string;
  status: 'running' | 'failed' | 'done';
  spec: BackfillSpec;
  keyColumns: string[];
  lastKey: string[] | null;
  maxKey: string[] | null;
  rowsDone: number;
  rowsTotal: number;
  rowsWritten: number;
  batches: number;
  batchSize: number | null;
  lastError: string | null;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** The options that tune a backfill's pace: what a migration or an online context may set. */
export const PACING_OPTIONS = [
  'targetBatchMs',
  'minTargetBatchMs',
  'yieldRatio',
  'pauseMs',
  'initialBatchSize',
  'minBatchSize',
  'maxBatchSize',
  'maxReplicationLagBytes',
] as const;

/** Pacing options only (see {@link BackfillOptions}). */
export type BackfillPacing = Pick<BackfillOptions, (typeof PACING_OPTIONS)[number]>;
