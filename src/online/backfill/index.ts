/**
 * The batched, resumable backfill engine: fills a column (or copies a table) in short keyset batches
 * over the primary key, each committed together with its checkpoint.
 *
 * @example
 * import { runBackfill, createProgressBar } from './online/backfill/index.js';
 * await runBackfill(conn, {
 *   id: '20240101_email:users', mode: 'update', table: { schema: 'public', name: 'users' },
 *   set: { email_address: 'email' }, where: 'email_address IS NULL',
 * }, { onProgress: createProgressBar() });
 */
export { resolveSpec, validateSpec } from './catalog.js';
export type { BackfillDialect, BatchPlan, ScanNode } from './dialect.js';
export { runBackfill } from './engine.js';
export { BackfillError, type BackfillErrorCode } from './errors.js';
export { nextBatchSize } from './pacing.js';
export { explainBatch } from './plan-check.js';
export { CHECKPOINT_TABLE } from './postgres/checkpoint-statements.js';
export { postgresBackfill } from './postgres/index.js';
export { replicationLagBytes } from './postgres/replication.js';
export { batchStatement } from './postgres/statements.js';
export { createProgressBar, type ProgressBar } from './progress-bar.js';
export { clearBackfill, pendingBackfills, resumeBackfills, type StateOptions } from './resume.js';
export type {
  BackfillOptions,
  BackfillProgress,
  BackfillResult,
  BackfillSpec,
  BackfillStatus,
  ResolvedSpec,
  TableRef,
} from './types.js';
