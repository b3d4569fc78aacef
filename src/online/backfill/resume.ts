/**
 * Backfills as a list: what is unfinished (for `sluice backfill status`), finishing them all from
 * their checkpoints (`sluice backfill resume`), and forgetting one (after completion or abort).
 */
import type { Connection } from '../../dialects/dialect.js';
import { deleteCheckpoint, readCheckpoints } from './checkpoint.js';
import type { BackfillDialect } from './dialect.js';
import { runBackfill } from './engine.js';
import { backfillDialect } from './settings.js';
import type { BackfillOptions, BackfillResult, BackfillStatus } from './types.js';

/** Where the checkpoints live. */
export interface StateOptions {
  /** Schema of the checkpoint table. Default `sluice`. */
  stateSchema?: string;
  /** The database's side of the engine. Default: PostgreSQL's. */
  dialect?: BackfillDialect;
}

const checkpointsOf = (conn: Connection, options: StateOptions) => ({
  conn,
  dialect: backfillDialect(options),
  stateSchema: options.stateSchema ?? 'sluice',
});

/**
 * Every backfill whose checkpoint says it has not finished (`running` or `failed`), oldest first.
 * With `all: true`, finished ones too.
 *
 * @example
 * for (const b of await pendingBackfills(conn)) console.log(b.id, `${b.rowsDone}/${b.rowsTotal}`, b.status);
 */
export async function pendingBackfills(
  conn: Connection,
  options: StateOptions & { all?: boolean } = {},
): Promise<BackfillStatus[]> {
  const rows = await readCheckpoints(checkpointsOf(conn, options));
  return options.all ? rows : rows.filter((b) => b.status !== 'done');
}

/**
 * Resumes every unfinished backfill from its checkpoint, one after another, with the spec stored
 * in the checkpoint. Stops at the first failure (the error names the backfill). `ids` limits the
 * run to some backfills.
 *
 * @example
 * const results = await resumeBackfills(conn, { onProgress: createProgressBar() });
 */
export async function resumeBackfills(
  conn: Connection,
  options: BackfillOptions & { ids?: readonly string[] } = {},
): Promise<BackfillResult[]> {
  const { ids, ...runOptions } = options;
  const pending = (await pendingBackfills(conn, options)).filter(
    (b) => ids === undefined || ids.includes(b.id),
  );
  const results: BackfillResult[] = [];
  for (const b of pending) results.push(await runBackfill(conn, b.spec, runOptions));
  return results;
}

/**
 * Forgets a backfill's checkpoint (done, or abandoned). Running the same id afterwards starts it
 * over. Missing ids are fine.
 *
 * @example
 * await clearBackfill(conn, '20240101_email:users');
 */
export async function clearBackfill(conn: Connection, id: string, options: StateOptions = {}): Promise<void> {
  await deleteCheckpoint(checkpointsOf(conn, options), id);
}
