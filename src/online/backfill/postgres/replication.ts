/**
 * Replication lag on PostgreSQL, read from `pg_stat_replication`.
 */
import type { Connection } from '../../../dialects/dialect.js';
import { BackfillError } from '../errors.js';

/**
 * The largest lag, in bytes of WAL, among the standbys connected to this server (0 with none).
 * A standby that reports no replay position (`pg_receivewal`) counts by what it has flushed.
 *
 * @example
 * const bytes = await replicationLagBytes(conn);
 */
export async function replicationLagBytes(conn: Connection): Promise<number> {
  const res = await conn.query<{ standbys: number; lag: number | null }>(
    `SELECT count(*)::int AS standbys,
            max(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), COALESCE(replay_lsn, flush_lsn, write_lsn)))::float8 AS lag
       FROM pg_catalog.pg_stat_replication`,
  );
  const row = res.rows[0];
  if (!row || row.standbys === 0) return 0;
  if (row.lag === null) {
    // Positions are hidden from roles without pg_monitor: pretending the lag is 0 would defeat the limit.
    throw new BackfillError(
      'backfill-failed',
      'Cannot read replication lag: pg_stat_replication hides WAL positions from this role.',
      {
        details: { hint: 'GRANT pg_monitor TO the migration role, or drop maxReplicationLagBytes.' },
      },
    );
  }
  return Math.max(0, row.lag);
}
