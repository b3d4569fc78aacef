/**
 * The start of a run: the checkpoint of a new backfill is created (after its first batch has been
 * planned, which proves the author's SQL compiles), an existing one is checked against the spec.
 */
import type { Connection } from '../../dialects/dialect.js';
import { type CheckpointTable, insertCheckpoint, readCheckpoints, sameSpec } from './checkpoint.js';
import type { BackfillDialect } from './dialect.js';
import { BackfillError } from './errors.js';
import type { Settings } from './settings.js';
import type { BackfillStatus, ResolvedSpec } from './types.js';

/** What one run of a backfill works with. */
export interface BackfillRun {
  conn: Connection;
  config: Settings;
  dialect: BackfillDialect;
  resolved: ResolvedSpec;
  checkpoints: CheckpointTable;
}

/**
 * True when two keys (text forms) are the same key; false when either is missing.
 *
 * @example
 * sameKey(['1', 'a'], ['1', 'a']) // true
 */
export const sameKey = (a: readonly string[] | null, b: readonly string[] | null): boolean =>
  a !== null && b !== null && a.length === b.length && a.every((v, i) => v === b[i]);

/** Plans a batch: a bad expression or where clause fails here, by name, before anything is written. */
async function preflight(run: BackfillRun, lastKey: string[] | null, maxKey: string[]): Promise<void> {
  const { resolved, config } = run;
  try {
    await run.dialect.explainBatch(run.conn, resolved, config.stateSchema, {
      lastKey,
      maxKey,
      batchSize: config.initialBatchSize,
    });
  } catch (cause) {
    throw new BackfillError(
      'backfill-invalid-spec',
      `Backfill ${resolved.spec.id}: its SQL does not compile: ${(cause as Error).message}`,
      {
        cause,
        details: {
          backfill: resolved.spec.id,
          hint: 'Check the expressions in set/columns and the where condition.',
        },
      },
    );
  }
}

/**
 * Creates the checkpoint of a new backfill, or returns the existing one (checked against the spec).
 *
 * @example
 * const { checkpoint, resumed } = await openCheckpoint(run);
 */
export async function openCheckpoint(
  run: BackfillRun,
): Promise<{ checkpoint: BackfillStatus; resumed: boolean }> {
  const { conn, resolved, config, checkpoints } = run;
  const id = resolved.spec.id;
  const existing = (await readCheckpoints(checkpoints, id))[0];
  if (!existing) {
    const maxKey = await run.dialect.maxKey(conn, resolved);
    if (maxKey) await preflight(run, null, maxKey);
    const rowsTotal = maxKey === null ? 0 : await run.dialect.estimateRows(conn, resolved);
    const inserted = await insertCheckpoint(checkpoints, {
      spec: resolved.spec,
      keyColumns: resolved.keyColumns,
      maxKey,
      rowsTotal,
      batchSize: config.initialBatchSize,
    });
    const checkpoint = (await readCheckpoints(checkpoints, id))[0];
    if (inserted && checkpoint) return { checkpoint, resumed: false };
    // Lost a race with another runner starting the same backfill: continue from its checkpoint.
    return openCheckpoint(run);
  }
  if (!sameSpec(existing.spec, resolved.spec)) {
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
  if (!sameKey(existing.keyColumns, resolved.keyColumns)) {
    throw new BackfillError(
      'backfill-spec-mismatch',
      `Backfill ${id}: the primary key changed from (${existing.keyColumns.join(', ')}) to (${resolved.keyColumns.join(', ')}) since it started.`,
      {
        details: { backfill: id, hint: 'Clear the checkpoint (clearBackfill) and start the backfill again.' },
      },
    );
  }
  if (existing.status !== 'done' && existing.maxKey) await preflight(run, existing.lastKey, existing.maxKey);
  return { checkpoint: existing, resumed: true };
}
