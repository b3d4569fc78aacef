/**
 * The session a backfill runs on, on PostgreSQL: whether it is in autocommit, and the settings its
 * batches run with.
 */
import type { Connection } from '../../../dialects/dialect.js';

/**
 * True when the session is not inside `BEGIN … COMMIT`.
 *
 * @example
 * if (!(await autocommit(conn))) throw new Error('run the backfill outside a transaction');
 */
export async function autocommit(conn: Connection): Promise<boolean> {
  // In autocommit each statement starts its own transaction, so both clocks read the same instant;
  // inside BEGIN … the transaction started earlier.
  const res = await conn.query<{ autocommit: boolean }>('SELECT now() = statement_timestamp() AS autocommit');
  return res.rows[0]?.autocommit === true;
}

/**
 * Session settings for the batches, restored afterwards (the connection may be the runner's):
 * - a short `lock_timeout`, so a batch queued behind a lock gives up and retries instead of
 *   making every later query queue behind it;
 * - `synchronous_commit = off` unless asked otherwise: a batch commits without waiting for its WAL
 *   to reach the disk. A server crash can then lose the last few commits, but each commit holds a
 *   batch *and* its checkpoint, so both are lost together and the resume redoes them. Not waiting
 *   for a flush per batch is most of the gap to one big UPDATE, which flushes once.
 *
 * @example
 * await withBatchSettings(conn, { lockTimeoutMs: 2000, synchronousCommit: false }, () => runBatches());
 */
export async function withBatchSettings<T>(
  conn: Connection,
  settings: { lockTimeoutMs: number; synchronousCommit: boolean },
  fn: () => Promise<T>,
): Promise<T> {
  const wanted: [string, string][] = [['lock_timeout', `${settings.lockTimeoutMs}ms`]];
  if (!settings.synchronousCommit) wanted.push(['synchronous_commit', 'off']);
  const previous: [string, string][] = [];
  for (const [name, value] of wanted) {
    const res = await conn.query<{ v: string }>('SELECT current_setting($1) AS v', [name]);
    previous.push([name, res.rows[0]?.v ?? '']);
    await conn.query('SELECT set_config($1, $2, false)', [name, value]);
  }
  try {
    return await fn();
  } finally {
    for (const [name, value] of previous) {
      // A dead connection cannot be restored, and its error must not hide the one in flight.
      await conn.query('SELECT set_config($1, $2, false)', [name, value]).catch(() => undefined);
    }
  }
}
