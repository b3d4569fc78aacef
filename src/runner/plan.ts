/**
 * Pure planning: from the files on disk and the history rows, the state of every migration, and
 * which ones `up` or `down` would run for a target. No database, no I/O: exact and fast to test.
 */
import { RefusedError, UsageError } from '../errors.js';
import { compareVersions } from '../migrations/source.js';
import type { MigrationFile } from '../migrations/types.js';

/** What the history table holds about one migration. */
export interface HistoryRow {
  version: string;
  name: string;
  kind: string;
  checksum: string;
  /** `applied`; `partial` (a non-transactional migration stopped part-way); `active` (online, expanded). */
  status: 'applied' | 'partial' | 'active';
  appliedAt: Date;
  durationMs: number;
  appliedBy: string;
  statementsDone: number;
  statementsTotal: number;
  /** Hashes of the finished statements of a partial migration. */
  progress: string[];
  /** Where a partial migration stopped. */
  failure: FailureInfo | null;
  /** What the automatic down needs (recorded operations, captured definitions). */
  downInfo: unknown;
  class: string | null;
}

/** The failing statement of a partial migration. */
export interface FailureInfo {
  index: number;
  line?: number;
  statement?: string;
  message: string;
  code?: string;
}

export type MigrationState = 'applied' | 'pending' | 'drifted' | 'missing' | 'active';

/** One line of `sluice status`. */
export interface StatusEntry {
  version: string;
  name: string;
  state: MigrationState;
  file?: MigrationFile;
  row?: HistoryRow;
}

export interface Status {
  /** Highest applied version, or null. */
  current: string | null;
  entries: StatusEntry[];
}

/**
 * Joins files and history rows into states.
 * - applied: in history and the file's checksum matches
 * - drifted: in history but the file changed since
 * - missing: in history but the file is gone
 * - pending: not applied yet (including a non-transactional migration that stopped part-way)
 * - active: an online migration that is expanded and not yet completed
 *
 * @example
 * computeStatus(files, rows).entries.map((e) => e.state)
 */
export function computeStatus(files: MigrationFile[], rows: HistoryRow[]): Status {
  const byVersion = new Map(rows.map((r) => [r.version, r]));
  const entries: StatusEntry[] = [];
  for (const file of files) {
    const row = byVersion.get(file.version);
    byVersion.delete(file.version);
    let state: MigrationState = 'pending';
    if (row?.status === 'applied') state = row.checksum === file.checksum ? 'applied' : 'drifted';
    else if (row?.status === 'active') state = 'active';
    entries.push({ version: file.version, name: file.name, state, file, row });
  }
  for (const row of byVersion.values()) {
    if (row.status === 'partial') continue; // a stopped migration whose file is gone: nothing was completed
    entries.push({ version: row.version, name: row.name, state: 'missing', row });
  }
  entries.sort((a, b) => compareVersions(a.version, b.version));
  const done = entries.filter((e) => e.state !== 'pending');
  return { current: done.length > 0 ? done[done.length - 1]!.version : null, entries };
}

export type UpTarget = { kind: 'head' } | { kind: 'count'; n: number } | { kind: 'version'; version: string };
export type DownTarget =
  | { kind: 'count'; n: number }
  | { kind: 'version'; version: string }
  | { kind: 'base' };

/**
 * Parses `up`'s target: `head` (default), `+N`, or a version.
 *
 * @example
 * parseUpTarget('+2') // { kind: 'count', n: 2 }
 */
export function parseUpTarget(text: string | undefined): UpTarget {
  if (text === undefined || text === 'head') return { kind: 'head' };
  const count = /^\+(\d+)$/.exec(text);
  if (count) {
    const n = Number(count[1]);
    if (n < 1) throw new UsageError(`Invalid target "${text}": the count must be at least 1.`);
    return { kind: 'count', n };
  }
  if (/^\d+$/.test(text)) return { kind: 'version', version: text };
  throw new UsageError(`Invalid up target "${text}".`, {
    hint: 'Use head, +N (e.g. +1) or a version (e.g. 20240101120000).',
  });
}

/**
 * Parses `down`'s target: `-1` (default), `-N`, a version (stays applied), or `base`.
 *
 * @example
 * parseDownTarget('base') // { kind: 'base' }
 */
export function parseDownTarget(text: string | undefined): DownTarget {
  if (text === undefined) return { kind: 'count', n: 1 };
  if (text === 'base') return { kind: 'base' };
  const count = /^-(\d+)$/.exec(text);
  if (count) {
    const n = Number(count[1]);
    if (n < 1) throw new UsageError(`Invalid target "${text}": the count must be at least 1.`);
    return { kind: 'count', n };
  }
  if (/^\d+$/.test(text)) return { kind: 'version', version: text };
  throw new UsageError(`Invalid down target "${text}".`, {
    hint: 'Use -N (e.g. -1), a version to roll back to (it stays applied), or base to revert everything.',
  });
}

function list(entries: StatusEntry[]): string {
  return entries.map((e) => `${e.version}_${e.name}`).join(', ');
}

/** Refuses when applied migrations changed or disappeared. */
export function assertNoDrift(status: Status): void {
  const drifted = status.entries.filter((e) => e.state === 'drifted');
  const missing = status.entries.filter((e) => e.state === 'missing');
  if (drifted.length === 0 && missing.length === 0) return;
  const parts: string[] = [];
  if (drifted.length > 0) parts.push(`changed after they were applied: ${list(drifted)}`);
  if (missing.length > 0) parts.push(`applied but their files are gone: ${list(missing)}`);
  throw new RefusedError('drift', `Refusing to run: migrations ${parts.join('; ')}.`, {
    hint:
      'Restore the original files, or, if the change is deliberate, accept it with `sluice accept <version>` ' +
      '(records the new checksum, or forgets a deleted migration).',
    versions: [...drifted, ...missing].map((e) => e.version),
  });
}

/**
 * The migrations `up` applies for a target, in order. Refuses on drift and, unless allowed, on a
 * pending migration older than the newest applied one (a merged branch).
 *
 * @example
 * planUp(status, { kind: 'head' }, { outOfOrder: false }).map((e) => e.version)
 */
export function planUp(status: Status, target: UpTarget, options: { outOfOrder: boolean }): StatusEntry[] {
  assertNoDrift(status);
  let pending = status.entries.filter((e) => e.state === 'pending');
  const active = status.entries.find((e) => e.state === 'active');
  if (active && pending.length > 0) {
    throw new RefusedError(
      'online-active',
      `Refusing to apply more migrations while the online migration ${active.version}_${active.name} is active.`,
      {
        hint: 'Run `sluice complete` once every application uses the new version, or `sluice abort`; then run up again.',
      },
    );
  }
  if (target.kind === 'version') {
    const entry = status.entries.find((e) => e.version === target.version);
    if (!entry?.file) {
      throw new UsageError(`Unknown target version ${target.version}: no migration file has it.`, {
        hint: 'Run `sluice status` to see the versions.',
      });
    }
    pending = pending.filter((e) => compareVersions(e.version, target.version) <= 0);
  } else if (target.kind === 'count') {
    pending = pending.slice(0, target.n);
  }
  const newestApplied = status.current;
  if (!options.outOfOrder && newestApplied !== null) {
    const older = pending.filter((e) => compareVersions(e.version, newestApplied) < 0);
    if (older.length > 0) {
      throw new RefusedError(
        'out-of-order',
        `Refusing to apply ${list(older)}: older than the newest applied migration ${newestApplied} (probably from a merged branch).`,
        {
          hint: 'Check that it does not conflict with what is applied, then run again with --allow-out-of-order (or set outOfOrder: true), or give it a newer version.',
          versions: older.map((e) => e.version),
        },
      );
    }
  }
  return pending;
}

/**
 * The migrations `down` reverts for a target, newest first.
 *
 * @example
 * planDown(status, { kind: 'count', n: 1 }) // the newest applied migration
 */
export function planDown(status: Status, target: DownTarget): StatusEntry[] {
  const applied = status.entries.filter((e) => e.state !== 'pending').reverse();
  let chosen: StatusEntry[];
  if (target.kind === 'base') chosen = applied;
  else if (target.kind === 'count') chosen = applied.slice(0, target.n);
  else {
    if (!applied.some((e) => e.version === target.version)) {
      throw new UsageError(`Unknown target version ${target.version}: it is not applied.`, {
        hint: 'Roll back to an applied version (it stays applied), use -N, or base. `sluice status` lists them.',
      });
    }
    chosen = applied.filter((e) => compareVersions(e.version, target.version) > 0);
  }
  const active = chosen.filter((e) => e.state === 'active');
  if (active.length > 0) {
    throw new RefusedError(
      'online-active',
      `Cannot roll back ${list(active)}: the online migration is still active.`,
      {
        hint: 'Run `sluice abort` to roll an active online migration back.',
      },
    );
  }
  const problems = chosen.filter((e) => e.state === 'drifted' || e.state === 'missing');
  if (problems.length > 0) assertNoDrift({ current: status.current, entries: problems });
  return chosen;
}
