/**
 * Option defaults and spec normalisation for the engine, kept out of the loop.
 */
import type { BackfillOptions, BackfillSpec } from './types.js';

/** Options with every default filled in. */
export type Settings = Required<
  Omit<BackfillOptions, 'onProgress' | 'signal' | 'maxReplicationLagBytes' | 'replicationLag'>
> &
  Pick<BackfillOptions, 'onProgress' | 'signal' | 'maxReplicationLagBytes' | 'replicationLag'>;

/**
 * Fills in defaults and clamps sizes.
 *
 * @example
 * settings({}).targetBatchMs // 50
 */
export function settings(o: BackfillOptions): Settings {
  const minBatchSize = Math.max(1, Math.floor(o.minBatchSize ?? 10));
  const maxBatchSize = Math.max(minBatchSize, Math.floor(o.maxBatchSize ?? 50_000));
  const targetBatchMs = Math.max(1, o.targetBatchMs ?? 50);
  return {
    ...o,
    targetBatchMs,
    minTargetBatchMs: Math.min(targetBatchMs, Math.max(1, o.minTargetBatchMs ?? 25)),
    minBatchSize,
    maxBatchSize,
    initialBatchSize: clampSize(o.initialBatchSize ?? 1000, minBatchSize, maxBatchSize),
    pauseMs: Math.max(0, o.pauseMs ?? 0),
    yieldRatio: Math.max(0, o.yieldRatio ?? 2),
    replicationPollMs: Math.max(1, o.replicationPollMs ?? 1000),
    lockTimeoutMs: Math.max(1, Math.round(o.lockTimeoutMs ?? 2000)),
    maxRetries: Math.max(0, o.maxRetries ?? 8),
    synchronousCommit: o.synchronousCommit ?? false,
    stateSchema: o.stateSchema ?? 'sluice',
  };
}

/**
 * A batch size within the limits.
 *
 * @example
 * clampSize(5, 10, 100) // 10
 */
export function clampSize(n: number, min: number, max: number): number {
  return Math.min(Math.max(Math.floor(n), min), max);
}

/**
 * The spec as stored: known fields only, so a stray property cannot make two equal specs differ
 * and nothing but the spec ends up in the checkpoint.
 *
 * @example
 * cleanSpec({ ...spec, extra: 1 }) // spec without `extra`
 */
export function cleanSpec(s: BackfillSpec): BackfillSpec {
  const where = s.where === undefined ? {} : { where: s.where };
  return s.mode === 'update'
    ? {
        id: s.id,
        mode: 'update',
        table: { schema: s.table.schema, name: s.table.name },
        set: { ...s.set },
        ...where,
      }
    : {
        id: s.id,
        mode: 'copy',
        source: { schema: s.source.schema, name: s.source.name },
        target: { schema: s.target.schema, name: s.target.name },
        columns: { ...s.columns },
        ...where,
      };
}
