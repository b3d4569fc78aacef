/**
 * History corrections that run nothing: baselining an existing schema, accepting a deliberate edit.
 */
import type { Connection, Dialect } from '../dialects/dialect.js';
import { UsageError } from '../errors.js';
import { compareVersions } from '../migrations/source.js';
import { type HistoryStore, run } from './history.js';
import type { Status, StatusEntry } from './plan.js';

/**
 * Records every pending migration up to `version` as applied, in one transaction.
 *
 * @example
 * await markApplied(conn, dialect, history, status, '20240101120000');
 */
export async function markApplied(
  conn: Connection,
  dialect: Dialect,
  history: HistoryStore,
  status: Status,
  version: string,
): Promise<StatusEntry[]> {
  if (!status.entries.some((e) => e.version === version && e.file)) {
    throw new UsageError(`Unknown baseline version ${version}: no migration file has it.`, {
      hint: 'Run `sluice status` to see the versions.',
    });
  }
  const marked = status.entries.filter(
    (e) => e.state === 'pending' && e.file && compareVersions(e.version, version) <= 0,
  );
  await conn.query('BEGIN');
  try {
    for (const e of marked) {
      const { kind, checksum } = e.file!;
      await run(
        conn,
        dialect,
        history.upsert({
          version: e.version,
          name: e.name,
          kind,
          checksum,
          status: 'applied',
          durationMs: 0,
        }),
      );
    }
    await conn.query('COMMIT');
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => {});
    throw error;
  }
  return marked;
}

export interface AcceptResult {
  version: string;
  action: 'checksum-updated' | 'forgotten';
}

/**
 * Accepts a drifted migration (new checksum) or forgets a missing one.
 *
 * @example
 * await acceptChange(conn, dialect, history, status, '20240101120000');
 */
export async function acceptChange(
  conn: Connection,
  dialect: Dialect,
  history: HistoryStore,
  status: Status,
  version: string,
): Promise<AcceptResult> {
  const entry = status.entries.find((e) => e.version === version);
  if (entry?.state === 'drifted') {
    await run(conn, dialect, history.setChecksum(version, entry.file!.checksum));
    return { version, action: 'checksum-updated' };
  }
  if (entry?.state === 'missing') {
    await run(conn, dialect, history.remove(version));
    return { version, action: 'forgotten' };
  }
  throw new UsageError(`Nothing to accept for ${version}: it is ${entry ? entry.state : 'unknown'}.`, {
    hint: '`sluice accept` applies to drifted or missing migrations (see `sluice status`).',
  });
}
