/**
 * The SQL of the backfill engine on PostgreSQL, as pure functions from a resolved spec to fragments. Nothing here
 * touches a database, so unit tests assert the exact text.
 *
 * Why a batch looks the way it does:
 * - It walks the primary key with a *range*: `key > $last AND key <= $hi`, where `$hi` is the N-th
 *   key after `$last`, found first by an index-only walk (nextKeyStatement). A range keeps the write
 *   an index range scan whatever the table size; joining the N keys back to the table
 *   (`WHERE key IN (SELECT …)`, or pgroll's `UPDATE … FROM batch`) lets the planner pick a hash
 *   join over the whole table once its row estimate grows.
 * - `$hi` is a constant, not a subquery: the planner then estimates the range from the histogram
 *   (a subquery's value is unknown to it, which for composite keys estimates a third of the table).
 * - The write is one statement, so PostgreSQL runs it in one implicit transaction: the rows and the
 *   checkpoint commit together or not at all. A `kill -9` at any moment can neither skip nor
 *   repeat a committed batch, and no `BEGIN` is needed (nor possible to leak).
 * - The checkpoint row is locked (`FOR UPDATE`) and must still hold the last key this runner read:
 *   if another runner moved it, the batch writes nothing and the runner re-reads the checkpoint.
 * - Once every row is written (the `EXISTS (… sluice_done)` gate runs first), one read of `pg_locks`
 *   (which needs no privilege) counts `waiters`, the sessions waiting on the batch's transaction (an
 *   application write that hit a row of the batch waits for its commit, so it is still there to be
 *   counted), and `busy`, the other client sessions of the same database inside a transaction at
 *   that moment (each holds a lock on its own virtual transaction id; sessions that
 *   pg_stat_activity shows to be autovacuum or other background work are left out). Both are
 *   scoped to the backfill's database by pg_stat_activity's `datid`, which every role can see (a
 *   virtualxid lock has no database of its own): a busy neighbour database on the same server is
 *   not the application this backfill shares its tables with (yielding to one, issue 9 saw a
 *   200k-row backfill take 21 s instead of 3 s). The engine shortens its batches while they block
 *   anyone and yields time while others are busy (batch-pacer.ts).
 */
import { ident, join, raw, type SqlFragment, sql } from '../../../sql/tag.js';
import type { ResolvedSpec, TableRef } from '../types.js';
import { checkpointTable } from './checkpoint-statements.js';

function table(ref: TableRef): SqlFragment {
  return ident(ref.schema, ref.name);
}

/**
 * The key as a value or a row.
 *
 * @example
 * keyExpr({ schema: 's', name: 't' }, ['a', 'b']) // ("s"."t"."a", "s"."t"."b")
 */
export function keyExpr(ref: TableRef, columns: readonly string[]): SqlFragment {
  const parts = columns.map((column) => ident(ref.schema, ref.name, column));
  return parts.length === 1 ? parts[0]! : sql`(${join(parts)})`;
}

/** Bound parameters in the shape of {@link keyExpr}: their types are inferred from the key columns. */
function keyParams(values: readonly (string | null)[]): SqlFragment {
  const parts = values.map((v) => sql`${v}`);
  return parts.length === 1 ? parts[0]! : sql`(${join(parts)})`;
}

/** `ARRAY["a"::text, "b"::text]`: the text form a checkpoint stores. */
function keyText(columns: readonly string[]): SqlFragment {
  return sql`ARRAY[${join(columns.map((c) => sql`${ident(c)}::text`))}]`;
}

/**
 * The largest key at start: the end of the range, so the backfill ends under any insert rate.
 *
 * @example
 * maxKeyStatement(resolved) // SELECT ARRAY["id"::text] AS key FROM "public"."users" ORDER BY "id" DESC LIMIT 1
 */
export function maxKeyStatement(resolved: ResolvedSpec): SqlFragment {
  const order = join(resolved.keyColumns.map((c) => sql`${ident(c)} DESC`));
  return sql`SELECT ${keyText(resolved.keyColumns)} AS key FROM ${table(resolved.keyTable)} ORDER BY ${order} LIMIT 1`;
}

/**
 * Rows in the walked table: `reltuples` when the table has been vacuumed or analyzed (the planner's
 * own estimate scales it by the current page count, which a bloated table inflates), else the
 * planner's estimate.
 *
 * @example
 * estimateStatement(resolved) // SELECT c.reltuples::float8 AS reltuples FROM pg_catalog.pg_class c …
 */
export function estimateStatement(resolved: ResolvedSpec): SqlFragment {
  return sql`SELECT c.reltuples::float8 AS reltuples FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${resolved.keyTable.schema} AND c.relname = ${resolved.keyTable.name}`;
}

/**
 * The planner's row estimate for the walked table, for tables never vacuumed nor analyzed.
 *
 * @example
 * plannerEstimateStatement(resolved) // EXPLAIN (FORMAT JSON) SELECT 1 FROM "public"."users"
 */
export function plannerEstimateStatement(resolved: ResolvedSpec): SqlFragment {
  return sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${table(resolved.keyTable)}`;
}

/**
 * `key > last AND key <= hi` for the walked table. A composite key also gets its leading column
 * bounded as a plain scalar range (`a >= $1 AND a <= $2`): PostgreSQL estimates a row comparison
 * by its first column alone and does not pair the two sides into a range, so without it the
 * estimate of a 10k-row batch on a 2M-row table is 500k rows and the plan turns into a bitmap or
 * sequential scan.
 *
 * @example
 * keyRange(resolved, ['a', '7'], ['b', '3']) // "t"."x" >= $1 AND "t"."x" <= $2 AND ("t"."x", "t"."y") > ($3, $4) AND …
 */
export function keyRange(
  resolved: ResolvedSpec,
  lastKey: readonly string[] | null,
  hiKey: readonly (string | null)[],
): SqlFragment {
  const key = keyExpr(resolved.keyTable, resolved.keyColumns);
  const parts: SqlFragment[] = [];
  if (resolved.keyColumns.length > 1) {
    const lead = ident(resolved.keyTable.schema, resolved.keyTable.name, resolved.keyColumns[0]!);
    if (lastKey) parts.push(sql`${lead} >= ${lastKey[0]}`);
    parts.push(sql`${lead} <= ${hiKey[0]}`);
  }
  if (lastKey) parts.push(sql`${key} > ${keyParams(lastKey)}`);
  parts.push(sql`${key} <= ${keyParams(hiKey)}`);
  return join(parts, ' AND ');
}

/**
 * The end of the next batch: the `batchSize`-th key after `lastKey`, by an index-only walk of the
 * primary key. No row means fewer keys are left: the batch then ends at the max key.
 *
 * @example
 * render(nextKeyStatement(resolved, ['41'], ['1000'], 500), postgresQuoting).text
 * // SELECT ARRAY["id"::text] AS key FROM "public"."users" WHERE … ORDER BY "id" OFFSET $3 LIMIT 1
 */
export function nextKeyStatement(
  resolved: ResolvedSpec,
  lastKey: readonly string[] | null,
  maxKey: readonly (string | null)[],
  batchSize: number,
): SqlFragment {
  const order = join(resolved.keyColumns.map((c) => ident(c)));
  return sql`SELECT ${keyText(resolved.keyColumns)} AS key FROM ${table(resolved.keyTable)}
 WHERE ${keyRange(resolved, lastKey, maxKey)}
 ORDER BY ${order} OFFSET ${Math.max(0, batchSize - 1)} LIMIT 1`;
}

/**
 * How many keys are left after `lastKey`: the size of the last, partial batch.
 *
 * @example
 * remainingKeysStatement(resolved, ['990'], ['1000']) // SELECT count(*)::int AS n FROM … WHERE id > $1 AND id <= $2
 */
export function remainingKeysStatement(
  resolved: ResolvedSpec,
  lastKey: readonly string[] | null,
  maxKey: readonly string[],
): SqlFragment {
  return sql`SELECT count(*)::int AS n FROM ${table(resolved.keyTable)} WHERE ${keyRange(resolved, lastKey, maxKey)}`;
}

/** Where one batch starts and stops. */
export interface BatchBounds {
  /** Last key of the previous batch (exclusive start); null for the first batch. */
  lastKey: readonly string[] | null;
  /** Last key of this batch (inclusive end); nulls only to EXPLAIN on an empty table. */
  hiKey: readonly (string | null)[];
  /** Keys in `(lastKey, hiKey]` as counted when the bound was found: added to `rows_done`. */
  keys: number;
  /** The batch size, remembered so a resume starts at the tuned size. */
  batchSize: number;
}

/** The write of one batch: rows in the key range that match `where`. Returns `1` per row written. */
function writeStatement(resolved: ResolvedSpec, range: SqlFragment): SqlFragment {
  const spec = resolved.spec;
  const filter = spec.where === undefined ? raw('') : sql` AND (${raw(spec.where)})`;
  if (spec.mode === 'update') {
    const sets = join(Object.entries(spec.set).map(([col, expr]) => sql`${ident(col)} = (${raw(expr)})`));
    return sql`UPDATE ${table(spec.table)} SET ${sets}
   WHERE ${range}${filter}
     AND EXISTS (SELECT 1 FROM sluice_cp)
  RETURNING 1`;
  }
  const cols = Object.entries(spec.columns);
  // OVERRIDING SYSTEM VALUE: a copy keeps the source's values even in GENERATED ALWAYS identity columns.
  return sql`INSERT INTO ${table(spec.target)} (${join(cols.map(([c]) => ident(c)))}) OVERRIDING SYSTEM VALUE
  SELECT ${join(cols.map(([, expr]) => sql`(${raw(expr)})`))}
    FROM ${table(spec.source)}
   WHERE ${range}${filter}
     AND EXISTS (SELECT 1 FROM sluice_cp)
  ON CONFLICT DO NOTHING
  RETURNING 1`;
}

/**
 * One batch: writes the rows with keys in `(lastKey, hiKey]` and advances the checkpoint to
 * `hiKey`, in one statement. Returns one row with the checkpoint's counters after the batch, all
 * null when the batch did not apply because another runner had moved the checkpoint.
 *
 * @example
 * render(batchStatement(resolved, 'sluice', { lastKey: ['41'], hiKey: ['541'], keys: 500, batchSize: 500 }), postgresQuoting)
 */
export function batchStatement(
  resolved: ResolvedSpec,
  stateSchema: string,
  bounds: BatchBounds,
): SqlFragment {
  if (
    bounds.hiKey.length !== resolved.keyColumns.length ||
    (bounds.lastKey && bounds.lastKey.length !== resolved.keyColumns.length)
  ) {
    throw new TypeError('batchStatement: key arity does not match the primary key');
  }
  const state = checkpointTable(stateSchema);
  return sql`WITH sluice_cp AS (
  SELECT 1 FROM ${state}
   WHERE id = ${resolved.spec.id} AND status <> 'done' AND last_key IS NOT DISTINCT FROM ${bounds.lastKey ? [...bounds.lastKey] : null}::text[]
     FOR UPDATE
), sluice_rows AS (
  ${writeStatement(resolved, keyRange(resolved, bounds.lastKey, bounds.hiKey))}
), sluice_done AS (
  UPDATE ${state}
     SET last_key = ${[...bounds.hiKey]}::text[], rows_done = rows_done + ${bounds.keys},
         rows_written = rows_written + (SELECT count(*) FROM sluice_rows),
         batches = batches + 1, batch_size = ${bounds.batchSize}, updated_at = clock_timestamp()
   WHERE id = ${resolved.spec.id} AND EXISTS (SELECT 1 FROM sluice_cp)
   RETURNING last_key, rows_done, rows_written, batches
)
SELECT (SELECT last_key FROM sluice_done) AS last_key, (SELECT rows_done FROM sluice_done) AS rows_done,
       (SELECT rows_written FROM sluice_done) AS rows_written, (SELECT batches FROM sluice_done) AS batches,
       sluice_locks.waiters, sluice_locks.busy
  FROM (SELECT count(*) FILTER (WHERE NOT l.granted AND l.locktype = 'transactionid'
                 AND l.transactionid = pg_catalog.pg_current_xact_id_if_assigned()::xid)::int AS waiters,
               count(DISTINCT l.pid) FILTER (WHERE l.locktype = 'virtualxid' AND l.pid <> pg_catalog.pg_backend_pid()
                 AND coalesce(a.backend_type, 'client backend') = 'client backend')::int AS busy
          FROM pg_catalog.pg_locks l
          JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
         WHERE a.datid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
           AND EXISTS (SELECT 1 FROM sluice_done)) sluice_locks`;
}
