/**
 * How online phases talk to the database: fragments rendered with PostgreSQL quoting, and the one
 * place that takes strong locks — a short transaction under `lock_timeout`, retried with backoff and
 * jitter, so a migration waiting for a lock never queues application traffic behind it for long.
 */
import type { Connection, QueryResult } from '../dialects/dialect.js';
import { dialectNamed } from '../dialects/index.js';
import { queryFragment } from '../dialects/query.js';
import { LockTimeoutError, SluiceError } from '../errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withLockRetries } from '../retry.js';
import { postgresQuoting, raw, type SqlFragment, sql } from '../sql/tag.js';

/** What phases need from the runner's context. */
export interface Session {
  conn: Connection;
  lockTimeoutMs: number;
  lockRetries: number;
  /** Retries stop once this much time has passed (ms; default 2 minutes). */
  lockRetryBudgetMs?: number;
  onEvent?: (e: { type: string; message: string; progress?: unknown }) => void;
  signal?: AbortSignal;
  /** Passed through to the backfill engine. */
  backfillOptions?: import('./types.js').OnlineContext['backfillOptions'];
}

/**
 * Runs one fragment.
 *
 * @example
 * await run(conn, sql`SELECT 1`);
 */
export function run<R = Record<string, unknown>>(
  conn: Connection,
  fragment: SqlFragment,
): Promise<QueryResult<R>> {
  return queryFragment<R>(conn, postgresQuoting, fragment);
}

/** A short-lock transaction that lost a lock wait or a deadlock: rolled back, it may be retried. */
function lockContention(error: unknown): boolean {
  const info = dialectNamed('postgres').errorInfo(error);
  return info.lockTimeout || info.deadlock;
}

/**
 * Takes ACCESS EXCLUSIVE locks on `relations` (schema-qualified tables and views) up front, in
 * order: the first waits up to `lock_timeout`, the others are taken NOWAIT. sluice then never waits
 * for a lock while holding one, so it cannot be half of a deadlock with application statements
 * (which lock a version-schema view, then its table, then the table a sync trigger writes); a
 * NOWAIT miss fails like a lock timeout, and the transaction is rolled back and retried. PostgreSQL
 * also locks the tables a view reads when the view is locked, with the same mode and wait.
 *
 * @example
 * await lockRelationsInOrder((f) => run(conn, f), [ident('sluice_base', 'users'), ident('public', 'users')]);
 */
export async function lockRelationsInOrder(
  exec: (f: SqlFragment) => Promise<unknown>,
  relations: SqlFragment[],
  mode: 'ACCESS EXCLUSIVE' | 'EXCLUSIVE' = 'ACCESS EXCLUSIVE',
): Promise<void> {
  for (const [i, t] of relations.entries()) {
    await exec(sql`LOCK TABLE ${t} IN ${raw(mode)} MODE${raw(i > 0 ? ' NOWAIT' : '')}`);
  }
}

/**
 * The longest sluice waits for one lock inside a short-lock transaction: `lockTimeoutMs`, but at
 * most 30% of the server's `deadlock_timeout`. A transaction waits at most three times while it
 * could hold something (a view, then the table PostgreSQL locks with it, then one lock a DDL
 * statement takes), all within `deadlock_timeout` of its first request; an application statement
 * caught in a cycle with sluice started waiting after that request, so sluice's own statement times
 * out before the application's deadlock check runs, and the application is never the victim.
 * (Not covered: a cycle that also runs through a row lock one application was already waiting for
 * before sluice's first request; that application's one deadlock check may fall inside the window.)
 *
 * @example
 * lockWaitMs(3000, 1000) // 300
 */
export function lockWaitMs(lockTimeoutMs: number, deadlockTimeoutMs: number): number {
  return Math.max(1, Math.floor(Math.min(lockTimeoutMs, deadlockTimeoutMs * 0.3)));
}

const deadlockTimeouts = new WeakMap<Connection, number>();

/** The server's `deadlock_timeout` as this session sees it (read once per connection). */
async function deadlockTimeoutMs(conn: Connection): Promise<number> {
  const known = deadlockTimeouts.get(conn);
  if (known !== undefined) return known;
  const r = await conn.query<{ ms: number }>(
    "SELECT setting::int AS ms FROM pg_settings WHERE name = 'deadlock_timeout'",
  );
  const ms = r.rows[0]?.ms ?? 1000;
  deadlockTimeouts.set(conn, ms);
  return ms;
}

/** Throws if the runner asked to stop. */
export function checkSignal(s: Session): void {
  if (s.signal?.aborted)
    throw new SluiceError('aborted', 'Stopped on request; run the command again to resume.');
}

/**
 * Runs `fn` in a transaction whose lock waits are capped at {@link lockWaitMs} (`lockTimeoutMs`, at
 * most 30% of `deadlock_timeout`); on a lock timeout or a deadlock the transaction is rolled back
 * and retried after an exponential, jittered delay, at most `lockRetries` more times. Everything `fn` does must be catalog-only (no scans, no backfill): the
 * locks it takes are held until commit. Reports `{type: 'lock', progress: {label, heldMs, attempts}}`.
 *
 * @example
 * await withShortLocks(session, 'add columns', async () => {
 *   await run(session.conn, sql`ALTER TABLE ${ident('users')} ADD COLUMN x int`);
 * });
 */
export async function withShortLocks<T>(
  s: Session,
  label: string,
  fn: (tx: { locked(): void }) => Promise<T>,
): Promise<T> {
  const timeout = lockWaitMs(s.lockTimeoutMs, await deadlockTimeoutMs(s.conn));
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    baseMs: 50,
    retries: s.lockRetries,
    budgetMs: s.lockRetryBudgetMs ?? DEFAULT_RETRY_POLICY.budgetMs,
  };
  let attempts = 0;
  const attempt = async () => {
    attempts++;
    checkSignal(s);
    await s.conn.query('BEGIN');
    const began = performance.now();
    let lockedAt: number | undefined;
    try {
      await s.conn.query(`SET LOCAL lock_timeout = '${timeout}ms'`);
      const result = await fn({ locked: () => (lockedAt = performance.now()) });
      await s.conn.query('COMMIT');
      const end = performance.now();
      // heldMs: from the moment the callback reported its locks granted (else from BEGIN) to COMMIT.
      const heldMs = end - (lockedAt ?? began);
      s.onEvent?.({
        type: 'lock',
        message: `${label}: locks held ${heldMs.toFixed(1)} ms (transaction ${(end - began).toFixed(1)} ms)`,
        progress: { label, heldMs, transactionMs: end - began, attempts },
      });
      return result;
    } catch (error) {
      await s.conn.query('ROLLBACK').catch(() => {});
      throw error;
    }
  };
  const retryable = lockContention;
  try {
    // Backoff with jitter: retries from several runners do not line up, and the application's
    // queued queries get through between attempts.
    return await withLockRetries(policy, attempt, retryable, () =>
      s.onEvent?.({ type: 'lock-retry', message: `${label}: lock busy, retrying (attempt ${attempts + 1})` }),
    );
  } catch (error) {
    if (!retryable(error)) throw error;
    throw new LockTimeoutError(
      `${label}: could not get the locks it needs within ${timeout} ms after ${attempts} attempts.`,
      {
        hint: 'A long transaction holds a table or version-schema view it needs, or traffic never left them all free at once; end long transactions, or raise lockRetries/lockRetryBudget, and run again (each lock wait is lockTimeout, at most 30% of deadlock_timeout).',
      },
    );
  }
}
