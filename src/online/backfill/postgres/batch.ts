/**
 * One batch on PostgreSQL: an index-only walk finds its last key, then one statement writes its rows,
 * advances the checkpoint and reads `pg_locks` for the pacing (statements.ts says why).
 */
import type { Connection } from '../../../dialects/dialect.js';
import { type OnStatement, queryRows } from '../../../dialects/query.js';
import { postgresQuoting, type SqlFragment } from '../../../sql/tag.js';
import type { BatchOutcome, BatchRange } from '../dialect.js';
import type { ResolvedSpec } from '../types.js';
import { batchStatement, maxKeyStatement, nextKeyStatement, remainingKeysStatement } from './statements.js';

/** The row {@link batchStatement} returns: the checkpoint's counters (null when it did not apply) and the pacing read. */
interface BatchRow {
  last_key: string[] | null;
  rows_done: number | null;
  rows_written: number | null;
  batches: number | null;
  /** Sessions waiting on the batch's transaction as it finished writing. */
  waiters: number;
  /** Other client sessions inside a transaction at that moment. */
  busy: number;
}

/**
 * The largest key of the walked table, or null when it is empty.
 *
 * @example
 * const maxKey = await readMaxKey(conn, resolved); // ['1000']
 */
export async function readMaxKey(conn: Connection, resolved: ResolvedSpec): Promise<string[] | null> {
  const rows = await queryRows<{ key: string[] }>(conn, postgresQuoting, maxKeyStatement(resolved));
  return rows[0]?.key ?? null;
}

/**
 * Finds the end of the next batch, then writes it with its checkpoint.
 *
 * @example
 * const outcome = await writeBatch(conn, resolved, 'sluice', { lastKey: null, maxKey: ['1000'], size: 500 });
 */
export async function writeBatch(
  conn: Connection,
  resolved: ResolvedSpec,
  stateSchema: string,
  range: BatchRange,
  onStatement?: OnStatement,
): Promise<BatchOutcome> {
  const { lastKey, maxKey, size } = range;
  const rows = <R>(fragment: SqlFragment) => queryRows<R>(conn, postgresQuoting, fragment, onStatement);
  const next = (await rows<{ key: string[] }>(nextKeyStatement(resolved, lastKey, maxKey, size)))[0];
  const hiKey = next?.key ?? maxKey;
  const keys = next
    ? size
    : ((await rows<{ n: number }>(remainingKeysStatement(resolved, lastKey, maxKey)))[0]?.n ?? 0);
  const bounds = { lastKey, hiKey, keys, batchSize: size };
  const row = (await rows<BatchRow>(batchStatement(resolved, stateSchema, bounds)))[0];
  if (!row) throw new Error('the batch statement returned no row');
  const { last_key: keyAfter, rows_done: rowsDone } = row;
  return {
    checkpoint:
      keyAfter !== null && rowsDone !== null
        ? { lastKey: keyAfter, rowsDone, rowsWritten: row.rows_written ?? 0, batches: row.batches ?? 0 }
        : null,
    waiters: row.waiters,
    busySessions: row.busy,
  };
}
