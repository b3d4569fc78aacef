/**
 * Replication lag, so a backfill does not outrun its replicas: every batch writes WAL that each
 * standby must replay, and a lagging standby serves stale reads (or, with synchronous replication,
 * slows every commit). The lag itself is read by the dialect (PostgreSQL: postgres/replication.ts).
 */
import { sleep } from './pacing.js';

/**
 * Waits until `probe()` reports at most `limitBytes`, polling every `pollMs`; calls `onPause` with
 * the lag on each poll that is over the limit. Returns early (without throwing) when `signal` aborts.
 *
 * @example
 * await waitForReplicas(() => postgresBackfill.replicationLagBytes(conn), 64 << 20, { pollMs: 1000 });
 */
export async function waitForReplicas(
  probe: () => Promise<number>,
  limitBytes: number,
  options: { pollMs: number; signal?: AbortSignal; onPause?: (lagBytes: number) => void },
): Promise<void> {
  for (;;) {
    if (options.signal?.aborted) return;
    const lag = await probe();
    if (lag <= limitBytes) return;
    options.onPause?.(lag);
    await sleep(options.pollMs, options.signal);
  }
}
