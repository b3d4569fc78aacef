/**
 * The plan a batch would get, for tests and the benchmark: the engine itself plans its first batch
 * before writing (engine.ts), through the dialect's `explainBatch`.
 */
import type { Connection } from '../../dialects/dialect.js';
import { resolveSpec } from './catalog.js';
import { ensureCheckpointTable } from './checkpoint.js';
import type { BackfillDialect, BatchPlan } from './dialect.js';
import { backfillDialect } from './settings.js';
import type { BackfillSpec } from './types.js';

/**
 * The plan a batch of this backfill would get, without writing anything. It reads the table (to
 * find the batch's end) and creates the checkpoint table if it is missing, since the batch
 * statement names it.
 *
 * @example
 * const { keyRange, scans } = await explainBatch(conn, spec, { batchSize: 10_000 });
 * // keyRange === true; scans[0].nodeType === 'Index Scan'
 */
export async function explainBatch(
  conn: Connection,
  spec: BackfillSpec,
  options: {
    batchSize?: number;
    lastKey?: string[] | null;
    stateSchema?: string;
    dialect?: BackfillDialect;
  } = {},
): Promise<BatchPlan> {
  const stateSchema = options.stateSchema ?? 'sluice';
  const dialect = backfillDialect(options);
  const resolved = await resolveSpec(conn, spec, dialect);
  await ensureCheckpointTable({ conn, dialect, stateSchema });
  const maxKey = (await dialect.maxKey(conn, resolved)) ?? resolved.keyColumns.map(() => null);
  return dialect.explainBatch(conn, resolved, stateSchema, {
    lastKey: options.lastKey ?? null,
    maxKey,
    batchSize: options.batchSize ?? 1000,
  });
}
