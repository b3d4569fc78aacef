/**
 * The history table: one row per applied (or partly applied, or active online) migration.
 * Portable SQL through the `sql` tag; only the table's DDL comes from the dialect.
 */
import { hostname, userInfo } from 'node:os';
import type { Connection, Dialect } from '../dialects/dialect.js';
import { queryRows } from '../dialects/query.js';
import { DatabaseError } from '../errors.js';
import { ident, renderInline, type SqlFragment, sql } from '../sql/tag.js';
import type { FailureInfo, HistoryRow } from './plan.js';

/** Runs a fragment on a connection with the dialect's quoting. */
export function run<R = Record<string, unknown>>(
  conn: Connection,
  dialect: Dialect,
  fragment: SqlFragment,
): Promise<R[]> {
  return queryRows<R>(conn, dialect.quoting, fragment);
}

let actor: string | undefined;

/** Who is applying migrations: `user@host` (looked up once: `userInfo()` is a system call). */
export function currentActor(): string {
  if (actor !== undefined) return actor;
  let user = process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry in some containers.
  }
  actor = `${user}@${hostname()}`;
  return actor;
}

interface RawRow {
  version: string;
  name: string;
  kind: string;
  checksum: string;
  status: string;
  applied_at: Date | string;
  duration_ms: number;
  applied_by: string;
  statements_done: number;
  statements_total: number;
  progress: string | null;
  failure: string | null;
  down_info: string | null;
  class: string | null;
}

/**
 * A JSON column of a history row. A value that does not parse is an error, never a default: an
 * empty progress list read from a damaged row would make a partly applied migration run its
 * finished statements again.
 */
function parseJson<T>(
  text: string | null,
  fallback: T,
  where: { table: string; version: string; column: string },
): T {
  if (text === null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new DatabaseError(
      `History table ${where.table}: column ${where.column} of version ${where.version} is not valid JSON.`,
      {
        cause,
        details: {
          hint: 'The row was changed by hand or damaged. Restore it from a backup, or fix the value (a JSON array for progress, a JSON object or NULL for failure and down_info).',
        },
      },
    );
  }
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** A row to write. */
export interface HistoryWrite {
  version: string;
  name: string;
  kind: string;
  checksum: string;
  status: HistoryRow['status'];
  durationMs: number;
  statementsDone?: number;
  statementsTotal?: number;
  progress?: string[];
  failure?: FailureInfo | null;
  downInfo?: unknown;
  class?: string | null;
  /** Who applied it (default: the current `user@host`). */
  appliedBy?: string;
}

/**
 * Reads and writes the history table.
 *
 * @example
 * const history = new HistoryStore(postgresDialect, 'sluice_migrations', 'public');
 * await history.ensure(conn);
 */
export class HistoryStore {
  readonly table: SqlFragment;
  private readonly schema: SqlFragment | null;

  constructor(
    private readonly dialect: Dialect,
    tableName: string,
    schemaName: string | null,
  ) {
    this.table = schemaName ? ident(schemaName, tableName) : ident(tableName);
    this.schema = schemaName && schemaName !== 'public' ? ident(schemaName) : null;
  }

  /** Creates the table if it is missing (called with the runner lock held, so no race). */
  async ensure(conn: Connection): Promise<void> {
    for (const ddl of this.dialect.historyTableDdl(this.table, this.schema))
      await run(conn, this.dialect, ddl);
  }

  /** Every row; an empty list when the table does not exist yet. */
  async read(conn: Connection): Promise<HistoryRow[]> {
    let rows: RawRow[];
    try {
      rows = await run<RawRow>(conn, this.dialect, sql`SELECT * FROM ${this.table}`);
    } catch (error) {
      if (this.dialect.isUndefinedTable(error)) return [];
      throw error;
    }
    const table = this.inline(this.table);
    return rows.map((r) => ({
      version: r.version,
      name: r.name,
      kind: r.kind,
      checksum: r.checksum,
      status: r.status as HistoryRow['status'],
      appliedAt: r.applied_at instanceof Date ? r.applied_at : new Date(r.applied_at),
      durationMs: Number(r.duration_ms),
      appliedBy: r.applied_by,
      statementsDone: Number(r.statements_done),
      statementsTotal: Number(r.statements_total),
      progress: parseJson<string[]>(r.progress, [], { table, version: r.version, column: 'progress' }),
      failure: parseJson<FailureInfo | null>(r.failure, null, {
        table,
        version: r.version,
        column: 'failure',
      }),
      downInfo: parseJson<unknown>(r.down_info, null, { table, version: r.version, column: 'down_info' }),
      class: r.class,
    }));
  }

  /**
   * The statement that records a row, replacing one of the same version. For bookkeeping outside a
   * migration's own run (baseline, the online phases); a run claims its version with {@link claim}.
   */
  upsert(row: HistoryWrite): SqlFragment {
    return sql`${this.insert(row, sql`now()`)}
ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, checksum = EXCLUDED.checksum,
  status = EXCLUDED.status, applied_at = EXCLUDED.applied_at, duration_ms = EXCLUDED.duration_ms,
  applied_by = EXCLUDED.applied_by, statements_done = EXCLUDED.statements_done,
  statements_total = EXCLUDED.statements_total, progress = EXCLUDED.progress, failure = EXCLUDED.failure,
  down_info = EXCLUDED.down_info, class = EXCLUDED.class`;
  }

  private insert(row: HistoryWrite, appliedAt: SqlFragment): SqlFragment {
    return sql`INSERT INTO ${this.table}
  (version, name, kind, checksum, status, applied_at, duration_ms, applied_by, statements_done, statements_total, progress, failure, down_info, class)
VALUES (${row.version}, ${row.name}, ${row.kind}, ${row.checksum}, ${row.status}, ${appliedAt}, ${Math.round(row.durationMs)}, ${row.appliedBy ?? currentActor()},
  ${row.statementsDone ?? 0}, ${row.statementsTotal ?? 0}, ${json(row.progress)}, ${json(row.failure)}, ${json(row.downInfo)}, ${row.class ?? null})`;
  }

  /**
   * The statement that claims a version for `up`, first thing in the migration's own transaction
   * (or, outside one, before its first statement): a plain INSERT of a `partial` row, never an
   * upsert. A second runner applying the same version waits on the primary key for the first one's
   * commit, then fails there, before any of the migration's statements run: nothing is applied
   * twice. `applied_at` is the claim's own clock, so {@link finish} can measure the duration.
   */
  claim(row: Omit<HistoryWrite, 'status' | 'durationMs'>): SqlFragment {
    return this.insert({ ...row, status: 'partial', durationMs: 0 }, sql`clock_timestamp()`);
  }

  /** Forgets a partly applied row that a transactional re-run takes over (never an applied row). */
  dropPartial(version: string): SqlFragment {
    return sql`DELETE FROM ${this.table} WHERE version = ${version} AND status = 'partial'`;
  }

  /**
   * The statement that marks a claimed version applied, last in its transaction: the duration is
   * measured by the server from the claim unless given, with what the automatic down needs.
   */
  finish(
    version: string,
    outcome: { checksum: string; durationMs?: number; downInfo?: unknown; class?: string | null },
  ): SqlFragment {
    const duration =
      outcome.durationMs === undefined
        ? sql`round(extract(epoch FROM clock_timestamp() - applied_at) * 1000)`
        : sql`${Math.round(outcome.durationMs)}`;
    return sql`UPDATE ${this.table} SET status = 'applied', checksum = ${outcome.checksum}, duration_ms = ${duration},
  statements_done = statements_total,
  progress = NULL, failure = NULL, down_info = ${json(outcome.downInfo)}, class = ${outcome.class ?? null}
WHERE version = ${version} AND status = 'partial'`;
  }

  /**
   * The statement that records how far a partly applied (non-transactional) migration got, with
   * the checksum of the file that got it there (a failed statement may be fixed before a re-run).
   */
  progress(
    version: string,
    state: { checksum: string; done: readonly string[]; total: number; failure: FailureInfo | null },
  ): SqlFragment {
    return sql`UPDATE ${this.table} SET checksum = ${state.checksum}, statements_done = ${state.done.length}, statements_total = ${state.total},
  progress = ${json(state.done)}, failure = ${json(state.failure)}
WHERE version = ${version} AND status = 'partial'`;
  }

  /**
   * The statement that claims a version for `down`, first in its transaction: it deletes the row
   * and fails (division by zero, SQLSTATE 22012) when there was none, so a migration another runner
   * already reverted is never reverted twice.
   */
  claimRevert(version: string): SqlFragment {
    return sql`WITH gone AS (DELETE FROM ${this.table} WHERE version = ${version} RETURNING 1)
SELECT 1 / count(*)::int AS claimed FROM gone`;
  }

  /** The statement that removes a row (after a revert, or to forget a deleted migration). */
  remove(version: string): SqlFragment {
    return sql`DELETE FROM ${this.table} WHERE version = ${version}`;
  }

  /** The statement that accepts a changed file: records its new checksum. */
  setChecksum(version: string, newChecksum: string): SqlFragment {
    return sql`UPDATE ${this.table} SET checksum = ${newChecksum} WHERE version = ${version}`;
  }

  /** A statement as it would be printed by `--dry-run`. */
  inline(fragment: SqlFragment): string {
    return renderInline(fragment, this.dialect.quoting);
  }
}
