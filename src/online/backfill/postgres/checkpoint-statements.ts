/**
 * PostgreSQL's checkpoint table: one row per backfill, holding its spec (jsonb, so a resume needs
 * no migration file), the key range as `text[]` and the last key committed. Batches advance it
 * inside their own statement (statements.ts); these statements create, read and finish rows.
 */
import { ident, type SqlFragment, sql } from '../../../sql/tag.js';
import type { CheckpointStatements, NewCheckpoint } from '../dialect.js';

/** Name of the checkpoint table inside the state schema. */
export const CHECKPOINT_TABLE = 'backfill_checkpoints';

/**
 * The checkpoint table, quoted.
 *
 * @example
 * checkpointTable('sluice') // "sluice"."backfill_checkpoints"
 */
export function checkpointTable(stateSchema: string): SqlFragment {
  return ident(stateSchema, CHECKPOINT_TABLE);
}

/**
 * DDL creating the checkpoint table; idempotent.
 *
 * @example
 * for (const ddl of checkpointDdl('sluice')) await queryRows(conn, postgresQuoting, ddl);
 */
export function checkpointDdl(stateSchema: string): SqlFragment[] {
  return [
    sql`CREATE SCHEMA IF NOT EXISTS ${ident(stateSchema)}`,
    sql`CREATE TABLE IF NOT EXISTS ${checkpointTable(stateSchema)} (
  id text PRIMARY KEY,
  spec jsonb NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'failed', 'done')),
  key_columns text[] NOT NULL,
  max_key text[],
  last_key text[],
  rows_total double precision NOT NULL DEFAULT 0,
  rows_done double precision NOT NULL DEFAULT 0,
  rows_written double precision NOT NULL DEFAULT 0,
  batches integer NOT NULL DEFAULT 0,
  batch_size integer,
  last_error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
)`,
  ];
}

/**
 * The checkpoint table's statements on PostgreSQL.
 *
 * @example
 * render(postgresCheckpoints.markDone('sluice', 'm1:users'), postgresQuoting).text
 * // UPDATE "sluice"."backfill_checkpoints" SET status = 'done', … WHERE id = $1
 */
export const postgresCheckpoints: CheckpointStatements = {
  ddl: checkpointDdl,
  select(stateSchema: string, id?: string) {
    const filter = id === undefined ? sql`` : sql` WHERE id = ${id}`;
    return sql`SELECT * FROM ${checkpointTable(stateSchema)}${filter} ORDER BY started_at, id`;
  },
  insert(stateSchema: string, checkpoint: NewCheckpoint) {
    const { spec, keyColumns, maxKey, rowsTotal, batchSize } = checkpoint;
    return sql`INSERT INTO ${checkpointTable(stateSchema)} (id, spec, key_columns, max_key, rows_total, batch_size)
        VALUES (${spec.id}, ${JSON.stringify(spec)}::jsonb, ${keyColumns}::text[], ${maxKey}::text[], ${rowsTotal}, ${batchSize})
        ON CONFLICT (id) DO NOTHING RETURNING id`;
  },
  markDone(stateSchema: string, id: string) {
    return sql`UPDATE ${checkpointTable(stateSchema)} SET status = 'done', rows_total = rows_done, last_error = NULL,
               finished_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id = ${id}`;
  },
  markStopped(stateSchema: string, id: string, status: 'running' | 'failed', error: string | null) {
    return sql`UPDATE ${checkpointTable(stateSchema)} SET status = ${status}, last_error = ${error}, updated_at = clock_timestamp()
         WHERE id = ${id} AND status <> 'done'`;
  },
  delete(stateSchema: string, id: string) {
    return sql`DELETE FROM ${checkpointTable(stateSchema)} WHERE id = ${id} RETURNING id`;
  },
};
