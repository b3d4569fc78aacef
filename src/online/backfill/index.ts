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
export { runBackfill } from './engine.js';
export { BackfillError, type BackfillErrorCode } from './errors.js';
export { nextBatchSize } from './pacing.js';
export { type BatchPlan, explainBatch, type ScanNode } from './plan-check.js';
export { createProgressBar, type ProgressBar } from './progress-bar.js';
export { replicationLagBytes } from './replication.js';
export { clearBackfill, pendingBackfills, resumeBackfills, type StateOptions } from './resume.js';
export { batchStatement, CHECKPOINT_TABLE, type ResolvedSpec } from './statements.js';
export type {
  BackfillOptions,
  BackfillProgress,
  BackfillResult,
  BackfillSpec,
  BackfillStatus,
  TableRef,
} from './types.js';
