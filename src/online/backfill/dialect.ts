/**
 * What the backfill engine needs from a database. The engine itself (engine.ts: spec checks,
 * checkpoints, pacing, retries, progress) is written against this interface only; everything that
 * depends on one database's SQL or catalog lives in its implementation. PostgreSQL's is in
 * `postgres/`, the only folder of the engine that reads `pg_catalog`. Keyset batches over a primary
 * key work on MySQL and SQLite too: a new database is a new folder implementing this interface.
 */
import type { Connection, Dialect } from '../../dialects/dialect.js';
import type { OnStatement } from '../../dialects/query.js';
import type { Quoting, SqlFragment } from '../../sql/tag.js';
import type { BackfillSpec, BackfillStatus, ResolvedSpec, TableRef } from './types.js';

/** A column as the engine needs to know it. */
export interface ColumnFacts {
  name: string;
  /** Computed by the database (`GENERATED ALWAYS AS (…) STORED`): never writable. */
  generated: boolean;
  /** `GENERATED ALWAYS AS IDENTITY`: an UPDATE cannot set it; the copy's INSERT overrides it. */
  identityAlways: boolean;
}

/** What the catalog says about a table a backfill reads or writes. */
export interface TableFacts {
  /** The table's identity in the catalog: two references to one table have the same id. */
  id: string | number;
  columns: ColumnFacts[];
  /** Primary key columns in index order; empty when the table has none. */
  primaryKey: string[];
}

/** The next batch to run: after `lastKey`, at most `size` keys, never past `maxKey`. */
export interface BatchRange {
  /** Last key of the previous batch (exclusive start); null for the first batch. */
  lastKey: readonly string[] | null;
  /** The largest key when the backfill started: the end of the walk. */
  maxKey: readonly string[];
  size: number;
}

/** What one batch did, and what the database looked like as it committed (the pacing read). */
export interface BatchOutcome {
  /** The checkpoint after the batch; null when another runner had moved it and nothing was written. */
  checkpoint: { lastKey: string[]; rowsDone: number; rowsWritten: number; batches: number } | null;
  /** Sessions that were waiting on the batch's row locks as it committed. */
  waiters: number;
  /** Other client sessions of the backfill's database inside a transaction at that moment. */
  busySessions: number;
}

/** Where a planned batch starts and stops; `maxKey` holds nulls only to plan on an empty table. */
export interface PlanBounds {
  lastKey: readonly string[] | null;
  maxKey: readonly (string | null)[];
  batchSize: number;
}

/** One plan node that reads the walked table. */
export interface ScanNode {
  nodeType: string;
  indexName: string | null;
  indexCond: string | null;
  /** Rows the planner expected. */
  planRows: number;
}

/** The shape of a batch's plan. */
export interface BatchPlan {
  /** The database's own plan output: of the walk to the batch's last key, then of the write. */
  plan: unknown[];
  /** Every node that reads the walked table. */
  scans: ScanNode[];
  /**
   * Node types of joins that read the walked table (none expected). Joins elsewhere, such as the
   * batch's read of lock tables, do not touch the table's rows.
   */
  joins: string[];
  /** True when every read of the walked table is an index range scan of its primary key, and no join reads it. */
  keyRange: boolean;
}

/** A new checkpoint, as the engine inserts it before the first batch. */
export interface NewCheckpoint {
  spec: BackfillSpec;
  keyColumns: string[];
  maxKey: string[] | null;
  rowsTotal: number;
  batchSize: number;
}

/** A checkpoint row as the `select` statement returns it. */
export interface CheckpointRow {
  id: string;
  status: BackfillStatus['status'];
  spec: BackfillSpec;
  key_columns: string[];
  last_key: string[] | null;
  max_key: string[] | null;
  rows_done: number;
  rows_total: number;
  rows_written: number;
  batches: number;
  batch_size: number | null;
  last_error: string | null;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

/** The statements of the checkpoint table (one row per backfill), as pure fragments. */
export interface CheckpointStatements {
  /** Creates the schema and the table if missing; idempotent. */
  ddl(stateSchema: string): SqlFragment[];
  /** Every checkpoint, or one id's, oldest first, as {@link CheckpointRow}s. */
  select(stateSchema: string, id?: string): SqlFragment;
  /** Inserts a checkpoint unless the id exists; returns one row only when it inserted. */
  insert(stateSchema: string, checkpoint: NewCheckpoint): SqlFragment;
  /** Marks a backfill finished; `rows_total` becomes the exact count walked. */
  markDone(stateSchema: string, id: string): SqlFragment;
  /** Sets the status (and last error) of an unfinished backfill. */
  markStopped(
    stateSchema: string,
    id: string,
    status: 'running' | 'failed',
    error: string | null,
  ): SqlFragment;
  /** Deletes a checkpoint; returns one row only when there was one. */
  delete(stateSchema: string, id: string): SqlFragment;
}

/**
 * One database's side of the backfill engine.
 *
 * @example
 * import { postgresBackfill } from './postgres/index.js';
 * await runBackfill(conn, spec, { dialect: postgresBackfill });
 */
export interface BackfillDialect {
  /** How the checkpoint statements are rendered. */
  readonly quoting: Quoting;
  /** What a database error means (the dialect's own reading: retryable, already exists, …). */
  errorInfo: Dialect['errorInfo'];
  /** Whether an error says a table (or its schema) does not exist. */
  isUndefinedTable: Dialect['isUndefinedTable'];
  readonly checkpoint: CheckpointStatements;
  /** Catalog facts of a table; null when there is no such table (or it is a view). */
  describeTable(conn: Connection, table: TableRef): Promise<TableFacts | null>;
  /** The largest key of the walked table, in its text form; null when the table is empty. */
  maxKey(conn: Connection, resolved: ResolvedSpec): Promise<string[] | null>;
  /** Rows of the walked table, estimated from statistics (progress only). */
  estimateRows(conn: Connection, resolved: ResolvedSpec): Promise<number>;
  /**
   * Runs one batch: finds its last key, writes its rows and advances the checkpoint, committed
   * together (a batch either happened with its checkpoint or not at all). Must be a no-op
   * (`checkpoint: null`) when the checkpoint no longer holds `range.lastKey`. `onStatement` sees
   * each statement before it is sent, so a failure can name it.
   */
  writeBatch(
    conn: Connection,
    resolved: ResolvedSpec,
    stateSchema: string,
    range: BatchRange,
    onStatement?: OnStatement,
  ): Promise<BatchOutcome>;
  /** Plans a batch without writing (which also proves that the spec's SQL compiles). */
  explainBatch(
    conn: Connection,
    resolved: ResolvedSpec,
    stateSchema: string,
    bounds: PlanBounds,
  ): Promise<BatchPlan>;
  /** The largest replication lag among the server's standbys, in bytes (0 with none). */
  replicationLagBytes(conn: Connection): Promise<number>;
  /** True when each statement on the session commits on its own (no open transaction block). */
  autocommit(conn: Connection): Promise<boolean>;
  /**
   * Runs `fn` with the batches' session settings (a short lock timeout, and unless asked otherwise a
   * commit that does not wait for its flush), then restores the session's previous ones.
   */
  withBatchSettings<T>(
    conn: Connection,
    settings: { lockTimeoutMs: number; synchronousCommit: boolean },
    fn: () => Promise<T>,
  ): Promise<T>;
}
