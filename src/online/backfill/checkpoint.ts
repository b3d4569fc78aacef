/**
 * The checkpoint table: one row per backfill, holding its spec (so a resume needs no migration
 * file), the key range and the last key committed. Batches advance it inside their own statement
 * (see statements.ts); this file creates, reads and finishes rows.
 */
import type { Connection } from '../../dialects/dialect.js';
import { dialectNamed } from '../../dialects/index.js';
import { postgresQuoting, render, type SqlFragment, sql } from '../../sql/tag.js';
import { checkpointDdl, checkpointTable } from './statements.js';
import type { BackfillSpec, BackfillStatus } from './types.js';

/**
 * Runs a fragment on a connection and returns its rows.
 *
 * @example
 * const rows = await run<{ n: number }>(conn, sql`SELECT ${1}::int AS n`);
 */
export async function run<R = Record<string, unknown>>(
  conn: Connection,
  fragment: SqlFragment,
): Promise<R[]> {
  const { text, values } = render(fragment, postgresQuoting);
  return (await conn.query<R>(text, values)).rows;
}

/** Two sessions racing through `CREATE … IF NOT EXISTS`: the loser hits the catalog's unique indexes. */
function isCreateRace(error: unknown): boolean {
  const info = dialectNamed('postgres').errorInfo(error);
  return info.uniqueViolation || info.alreadyExists;
}

/**
 * Creates the checkpoint table if it is missing, tolerating another session creating it at the same time.
 *
 * @example
 * await ensureCheckpointTable(conn, 'sluice');
 */
export async function ensureCheckpointTable(conn: Connection, stateSchema: string): Promise<void> {
  for (const ddl of checkpointDdl(stateSchema)) {
    try {
      await run(conn, ddl);
    } catch (error) {
      // Two runners bootstrapping at once: the loser's IF NOT EXISTS can still hit the catalog's
      // unique index. The winner created the object, which is all we wanted.
      if (!isCreateRace(error)) throw error;
    }
  }
}

interface Row {
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

function toStatus(r: Row): BackfillStatus {
  return {
    id: r.id,
    status: r.status,
    spec: r.spec,
    keyColumns: r.key_columns,
    lastKey: r.last_key,
    maxKey: r.max_key,
    rowsDone: r.rows_done,
    rowsTotal: r.rows_total,
    rowsWritten: r.rows_written,
    batches: r.batches,
    batchSize: r.batch_size,
    lastError: r.last_error,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

function isUndefinedTable(error: unknown): boolean {
  return dialectNamed('postgres').isUndefinedTable(error);
}

/**
 * Reads checkpoints (all, or one id); none when the table does not exist yet.
 *
 * @example
 * const [cp] = await readCheckpoints(conn, 'sluice', 'm1:users');
 */
export async function readCheckpoints(
  conn: Connection,
  stateSchema: string,
  id?: string,
): Promise<BackfillStatus[]> {
  const filter = id === undefined ? sql`` : sql` WHERE id = ${id}`;
  try {
    const rows = await run<Row>(
      conn,
      sql`SELECT * FROM ${checkpointTable(stateSchema)}${filter} ORDER BY started_at, id`,
    );
    return rows.map(toStatus);
  } catch (error) {
    if (isUndefinedTable(error)) return [];
    throw error;
  }
}

/**
 * Inserts the checkpoint of a new backfill; false when another runner inserted it first.
 *
 * @example
 * await insertCheckpoint(conn, 'sluice', { spec, keyColumns: ['id'], maxKey: ['100'], rowsTotal: 100, batchSize: 1000 });
 */
export async function insertCheckpoint(
  conn: Connection,
  stateSchema: string,
  c: {
    spec: BackfillSpec;
    keyColumns: string[];
    maxKey: string[] | null;
    rowsTotal: number;
    batchSize: number;
  },
): Promise<boolean> {
  const rows = await run(
    conn,
    sql`INSERT INTO ${checkpointTable(stateSchema)} (id, spec, key_columns, max_key, rows_total, batch_size)
        VALUES (${c.spec.id}, ${JSON.stringify(c.spec)}::jsonb, ${c.keyColumns}::text[], ${c.maxKey}::text[], ${c.rowsTotal}, ${c.batchSize})
        ON CONFLICT (id) DO NOTHING RETURNING id`,
  );
  return rows.length === 1;
}

/**
 * Marks a backfill finished: `rows_total` becomes the exact count walked.
 *
 * @example
 * await markDone(conn, 'sluice', 'm1:users');
 */
export async function markDone(conn: Connection, stateSchema: string, id: string): Promise<void> {
  await run(
    conn,
    sql`UPDATE ${checkpointTable(stateSchema)} SET status = 'done', rows_total = rows_done, last_error = NULL,
               finished_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id = ${id}`,
  );
}

/**
 * Sets the status of a backfill that stopped (`failed` with the error, or back to `running`).
 *
 * @example
 * await markStopped(conn, 'sluice', 'm1:users', 'failed', 'canceling statement due to lock timeout');
 */
export async function markStopped(
  conn: Connection,
  stateSchema: string,
  id: string,
  status: 'running' | 'failed',
  error: string | null,
): Promise<void> {
  await run(
    conn,
    sql`UPDATE ${checkpointTable(stateSchema)} SET status = ${status}, last_error = ${error}, updated_at = clock_timestamp()
         WHERE id = ${id} AND status <> 'done'`,
  );
}

/**
 * Deletes a checkpoint; true when there was one.
 *
 * @example
 * await deleteCheckpoint(conn, 'sluice', 'm1:users'); // true
 */
export async function deleteCheckpoint(conn: Connection, stateSchema: string, id: string): Promise<boolean> {
  try {
    return (
      (await run(conn, sql`DELETE FROM ${checkpointTable(stateSchema)} WHERE id = ${id} RETURNING id`))
        .length > 0
    );
  } catch (error) {
    if (isUndefinedTable(error)) return false;
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
