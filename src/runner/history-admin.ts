/**
 * History corrections that run nothing: baselining an existing schema, importing another tool's
 * history, accepting a deliberate edit.
 */
import type { Connection, Dialect } from '../dialects/dialect.js';
import { UsageError } from '../errors.js';
import { compareVersions } from '../migrations/source.js';
import { type ForeignHistory, type ForeignTool, mapForeignHistory } from './foreign-history.js';
import { currentActor, type HistoryStore, run } from './history.js';
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
  await recordApplied(conn, dialect, history, marked);
  return marked;
}

/** Records `entries` (which have files) as applied without running them, in one transaction. */
async function recordApplied(
  conn: Connection,
  dialect: Dialect,
  history: HistoryStore,
  entries: readonly StatusEntry[],
  appliedBy?: string,
): Promise<void> {
  await conn.query('BEGIN');
  try {
    for (const entry of entries) {
      const { kind, checksum } = entry.file!;
      await run(
        conn,
        dialect,
        history.upsert({
          version: entry.version,
          name: entry.name,
          kind,
          checksum,
          status: 'applied',
          durationMs: 0,
          appliedBy,
        }),
      );
    }
    await conn.query('COMMIT');
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** What `sluice import` took over. */
export interface ImportResult {
  tool: ForeignTool;
  /** `schema.table` the other tool's history was read from. */
  table: string;
  /** Migrations recorded as applied now. */
  imported: { version: string; name: string }[];
  /** Versions the other tool applied that sluice's history already had (an earlier import). */
  already: string[];
  /** The other tool's records that name no migration file (nothing was recorded for them). */
  unmatched: string[];
}

/**
 * Takes another tool's history over: every pending migration it applied is recorded as applied
 * (checksums of the files as they are now, `applied_by` naming the tool), in one transaction.
 * Idempotent: a second import finds everything already recorded.
 *
 * @example
 * const result = await importForeign(conn, dialect, history, status, found);
 */
export async function importForeign(
  conn: Connection,
  dialect: Dialect,
  history: HistoryStore,
  status: Status,
  found: ForeignHistory,
): Promise<ImportResult> {
  const files = status.entries.flatMap((e) => (e.file ? [e.file] : []));
  const mapping = mapForeignHistory(found.tool, found.records, files);
  const taken = new Set(mapping.files.map((f) => f.version));
  const chosen = status.entries.filter((e) => e.file && taken.has(e.version));
  const pending = chosen.filter((e) => e.state === 'pending');
  const table = `${found.schema}.${found.table}`;
  await recordApplied(
    conn,
    dialect,
    history,
    pending,
    `imported from ${found.tool} (${table}) by ${currentActor()}`,
  );
  return {
    tool: found.tool,
    table,
    imported: pending.map((e) => ({ version: e.version, name: e.name })),
    already: chosen.filter((e) => e.state !== 'pending').map((e) => e.version),
    unmatched: mapping.unmatched,
  };
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
