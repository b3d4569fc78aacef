/**
 * Option defaults and spec normalisation for the engine, kept out of the loop.
 */
import type { BackfillDialect } from './dialect.js';
import { postgresBackfill } from './postgres/index.js';
import type { BackfillOptions, BackfillSpec } from './types.js';

/**
 * The dialect a backfill runs with: the one given, else PostgreSQL's.
 *
 * @example
 * backfillDialect({}) // postgresBackfill
 */
export function backfillDialect(options: { dialect?: BackfillDialect }): BackfillDialect {
  return options.dialect ?? postgresBackfill;
}

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
export function settings(options: BackfillOptions): Settings {
  const minBatchSize = Math.max(1, Math.floor(options.minBatchSize ?? 10));
  const maxBatchSize = Math.max(minBatchSize, Math.floor(options.maxBatchSize ?? 50_000));
  const targetBatchMs = Math.max(1, options.targetBatchMs ?? 50);
  return {
    ...options,
    targetBatchMs,
    minTargetBatchMs: Math.min(targetBatchMs, Math.max(1, options.minTargetBatchMs ?? 25)),
    minBatchSize,
    maxBatchSize,
    initialBatchSize: clampSize(options.initialBatchSize ?? 1000, minBatchSize, maxBatchSize),
    pauseMs: Math.max(0, options.pauseMs ?? 0),
    yieldRatio: Math.max(0, options.yieldRatio ?? 2),
    replicationPollMs: Math.max(1, options.replicationPollMs ?? 1000),
    lockTimeoutMs: Math.max(1, Math.round(options.lockTimeoutMs ?? 2000)),
    maxRetries: Math.max(0, options.maxRetries ?? 8),
    synchronousCommit: options.synchronousCommit ?? false,
    stateSchema: options.stateSchema ?? 'sluice',
    dialect: backfillDialect(options),
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
export function cleanSpec(spec: BackfillSpec): BackfillSpec {
  const where = spec.where === undefined ? {} : { where: spec.where };
  return spec.mode === 'update'
    ? {
        id: spec.id,
        mode: 'update',
        table: { schema: spec.table.schema, name: spec.table.name },
        set: { ...spec.set },
        ...where,
      }
    : {
        id: spec.id,
        mode: 'copy',
        source: { schema: spec.source.schema, name: spec.source.name },
        target: { schema: spec.target.schema, name: spec.target.name },
        columns: { ...spec.columns },
        ...where,
      };
}
