/**
 * Retrying work that could not get a lock in time. sluice waits for a table lock only briefly
 * (`lock_timeout`, 250 ms by default), because every query that arrives behind its waiting DDL
 * queues too; instead of waiting longer it gives up, lets the queue drain, and tries again after an
 * exponential, jittered delay, for as long as the time budget allows. Busy tables still converge,
 * and an application's worst extra wait behind sluice stays near one `lock_timeout`.
 */

/** How lock-timeout retries are paced. */
export interface RetryPolicy {
  /** Most retries after the first attempt. */
  retries: number;
  /** Stop retrying once this much time has passed since the first attempt (ms). */
  budgetMs: number;
  /** First delay (ms); doubles per attempt. */
  baseMs: number;
  /** Longest delay between attempts (ms). */
  maxDelayMs: number;
}

/** The defaults the config documents: 60 retries within 2 minutes, 100 ms doubling to 5 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 60,
  budgetMs: 120_000,
  baseMs: 100,
  maxDelayMs: 5_000,
};

/**
 * The delay before retry `attempt` (0-based): exponential, capped, with jitter over its upper half
 * so that several retrying runners do not stampede the table in step.
 *
 * @example
 * retryDelay(0, DEFAULT_RETRY_POLICY) // between 50 and 100
 */
export function retryDelay(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxDelayMs'>): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** What a retry reports before it sleeps. */
export interface RetryNotice {
  /** 1-based number of the retry about to happen. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` until it succeeds, retrying while `retryable(error)` holds and the policy allows;
 * `work` gets the 0-based attempt. The caller makes each attempt whole: it rolls back what a failed
 * attempt began before throwing. The last error is rethrown unchanged when the retries or the
 * budget run out.
 *
 * @example
 * await withLockRetries(policy, (attempt) => runMigration(attempt), (e) => isLockTimeout(e), (r) => log(r));
 */
export async function withLockRetries<T>(
  policy: RetryPolicy,
  work: (attempt: number) => Promise<T>,
  retryable: (error: unknown) => boolean,
  onRetry: (notice: RetryNotice) => void = () => {},
): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!retryable(error) || attempt >= policy.retries) throw error;
      const delayMs = retryDelay(attempt, policy);
      if (Date.now() - started + delayMs > policy.budgetMs) throw error;
      onRetry({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs);
    }
  }
}
