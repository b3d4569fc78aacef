/**
 * PostgreSQL's side of the backfill engine (see ../dialect.ts): the only files of the engine that
 * read `pg_catalog`, `pg_locks` or `pg_stat_replication`, or write PostgreSQL-only SQL.
 *
 * @example
 * await runBackfill(conn, spec, { dialect: postgresBackfill }); // the default
 */
import { postgresDialect } from '../../../dialects/postgres/dialect.js';
import { postgresQuoting } from '../../../sql/tag.js';
import type { BackfillDialect } from '../dialect.js';
import { readMaxKey, writeBatch } from './batch.js';
import { describeTable, estimateRows } from './catalog.js';
import { postgresCheckpoints } from './checkpoint-statements.js';
import { explainResolved } from './plan.js';
import { replicationLagBytes } from './replication.js';
import { autocommit, withBatchSettings } from './session.js';

/** The backfill engine's PostgreSQL (and PGlite) implementation. */
export const postgresBackfill: BackfillDialect = {
  quoting: postgresQuoting,
  errorInfo: (error) => postgresDialect.errorInfo(error),
  isUndefinedTable: (error) => postgresDialect.isUndefinedTable(error),
  checkpoint: postgresCheckpoints,
  describeTable,
  maxKey: readMaxKey,
  estimateRows,
  writeBatch,
  explainBatch: explainResolved,
  replicationLagBytes,
  autocommit,
  withBatchSettings,
};
