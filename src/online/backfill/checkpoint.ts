/**
 * The checkpoint table: one row per backfill, holding its spec (so a resume needs no migration
 * file), the key range and the last key committed. Batches advance it inside their own statement
 * (the dialect's `writeBatch`); this file creates, reads and finishes rows with the statements the
 * dialect renders (PostgreSQL: postgres/checkpoint-statements.ts).
 */
import type { Connection } from '../../dialects/dialect.js';
import { queryRows } from '../../dialects/query.js';
import type { SqlFragment } from '../../sql/tag.js';
import type { BackfillDialect, CheckpointRow, NewCheckpoint } from './dialect.js';
import type { BackfillSpec, BackfillStatus } from './types.js';

/** Where checkpoints live: a session, its database's dialect, and the schema of the table. */
export interface CheckpointTable {
  conn: Connection;
  dialect: BackfillDialect;
  stateSchema: string;
}

function run<R = unknown>(table: CheckpointTable, fragment: SqlFragment): Promise<R[]> {
  return queryRows<R>(table.conn, table.dialect.quoting, fragment);
}

/** Two sessions racing through `CREATE … IF NOT EXISTS`: the loser hits the catalog's unique indexes. */
function isCreateRace(table: CheckpointTable, error: unknown): boolean {
  const info = table.dialect.errorInfo(error);
  return info.uniqueViolation || info.alreadyExists;
}

/**
 * Creates the checkpoint table if it is missing, tolerating another session creating it at the same time.
 *
 * @example
 * await ensureCheckpointTable({ conn, dialect: postgresBackfill, stateSchema: 'sluice' });
 */
export async function ensureCheckpointTable(table: CheckpointTable): Promise<void> {
  for (const ddl of table.dialect.checkpoint.ddl(table.stateSchema)) {
    try {
      await run(table, ddl);
    } catch (error) {
      // Two runners bootstrapping at once: the loser's IF NOT EXISTS can still hit the catalog's
      // unique index. The winner created the object, which is all we wanted.
      if (!isCreateRace(table, error)) throw error;
    }
  }
}

function toStatus(row: CheckpointRow): BackfillStatus {
  return {
    id: row.id,
    status: row.status,
    spec: row.spec,
    keyColumns: row.key_columns,
    lastKey: row.last_key,
    maxKey: row.max_key,
    rowsDone: row.rows_done,
    rowsTotal: row.rows_total,
    rowsWritten: row.rows_written,
    batches: row.batches,
    batchSize: row.batch_size,
    lastError: row.last_error,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

/**
 * Reads checkpoints (all, or one id); none when the table does not exist yet.
 *
 * @example
 * const [checkpoint] = await readCheckpoints(table, 'm1:users');
 */
export async function readCheckpoints(table: CheckpointTable, id?: string): Promise<BackfillStatus[]> {
  try {
    const rows = await run<CheckpointRow>(table, table.dialect.checkpoint.select(table.stateSchema, id));
    return rows.map(toStatus);
  } catch (error) {
    if (table.dialect.isUndefinedTable(error)) return [];
    throw error;
  }
}

/**
 * Inserts the checkpoint of a new backfill; false when another runner inserted it first.
 *
 * @example
 * await insertCheckpoint(table, { spec, keyColumns: ['id'], maxKey: ['100'], rowsTotal: 100, batchSize: 1000 });
 */
export async function insertCheckpoint(table: CheckpointTable, checkpoint: NewCheckpoint): Promise<boolean> {
  const rows = await run(table, table.dialect.checkpoint.insert(table.stateSchema, checkpoint));
  return rows.length === 1;
}

/**
 * Marks a backfill finished: `rows_total` becomes the exact count walked.
 *
 * @example
 * await markDone(table, 'm1:users');
 */
export async function markDone(table: CheckpointTable, id: string): Promise<void> {
  await run(table, table.dialect.checkpoint.markDone(table.stateSchema, id));
}

/**
 * Sets the status of a backfill that stopped (`failed` with the error, or back to `running`).
 *
 * @example
 * await markStopped(table, 'm1:users', 'failed', 'canceling statement due to lock timeout');
 */
export async function markStopped(
  table: CheckpointTable,
  id: string,
  status: 'running' | 'failed',
  error: string | null,
): Promise<void> {
  await run(table, table.dialect.checkpoint.markStopped(table.stateSchema, id, status, error));
}

/**
 * Deletes a checkpoint; true when there was one.
 *
 * @example
 * await deleteCheckpoint(table, 'm1:users'); // true
 */
export async function deleteCheckpoint(table: CheckpointTable, id: string): Promise<boolean> {
  try {
    return (await run(table, table.dialect.checkpoint.delete(table.stateSchema, id))).length > 0;
  } catch (error) {
    if (table.dialect.isUndefinedTable(error)) return false;
    throw error;
  }
}

/**
 * Spec equality independent of key order (a spec read back from jsonb has its keys reordered).
 *
 * @example
 * sameSpec(stored.spec, spec) // true when only the key order differs
 */
export function sameSpec(a: BackfillSpec, b: BackfillSpec): boolean {
  const canon = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(canon)
      : typeof x === 'object' && x !== null
        ? Object.fromEntries(
            Object.entries(x)
              .filter(([, v]) => v !== undefined)
              .sort(([k1], [k2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : 0))
              .map(([k, v]) => [k, canon(v)]),
          )
        : x;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
