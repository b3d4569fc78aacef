/**
 * `up` and `down` from plan to result: read the status, load and prepare the migrations, lint what
 * `up` applies, then run it, live under the runner lock or into a dry-run script. The two paths
 * share every step, so a dry run refuses exactly where a live run would.
 */
import type { Connection, ServerVersion } from '../dialects/dialect.js';
import { UsageError } from '../errors.js';
import { loadMigration } from '../migrations/load.js';
import type { OnlinePreview } from '../online/index.js';
import type { Direction } from './execute.js';
import { refuseForeignHistory } from './foreign-history.js';
import { inspectForRun, previewOnlineUnit } from './inspect-live.js';
import type { RunOptions, RunResult } from './migrator.js';
import { computeStatus, type Status, type StatusEntry } from './plan.js';
import { prepareUnits, type Unit } from './prepare.js';
import { runsInTransaction, runUnits } from './run-units.js';
import { assertParses, assertSafe, firstUnsafe, type UnitReport, unsafeError } from './safety.js';
import {
  execContext,
  migrationFiles,
  onlineEnv,
  ownTable,
  type RunEnv,
  type RunnerSetup,
  targetVersion,
} from './setup.js';
import { DryRunSink, LiveSink } from './sink.js';

/** Picks the migrations a run applies or reverts from the current status. */
export type RunPlan = (status: Status) => StatusEntry[];

/**
 * The status a run plans from. Before `up`, a database another tool migrated and sluice has no
 * history of is refused (see {@link refuseForeignHistory}).
 *
 * @example
 * const status = await statusFor(setup, conn, 'up');
 */
export async function statusFor(setup: RunnerSetup, conn: Connection, direction: Direction): Promise<Status> {
  const rows = await setup.history.read(conn);
  if (direction === 'up') await refuseForeignHistory(conn, setup.dialect, ownTable(setup), rows);
  return computeStatus(migrationFiles(setup), rows);
}

/**
 * Loads the planned migrations and prepares them for `direction` (see {@link prepareUnits}).
 * Transaction mode `all` is refused when a unit cannot run in the one transaction.
 *
 * @example
 * const units = await loadUnits(setup, entries, 'up', server);
 */
export async function loadUnits(
  setup: RunnerSetup,
  entries: StatusEntry[],
  direction: Direction,
  server: ServerVersion,
): Promise<Unit[]> {
  const loaded = [];
  for (const entry of entries) {
    if (!entry.file) throw new UsageError(`Migration ${entry.version}_${entry.name} has no file.`);
    loaded.push({ entry, file: entry.file, loaded: await loadMigration(entry.file) });
  }
  const env = { dialect: setup.dialect, server, onEvent: setup.onEvent };
  const units = await prepareUnits(env, loaded, direction);
  if (setup.config.transaction === 'all' && units.length > 0) {
    if (!setup.dialect.capabilities.transactionalDdl) {
      throw new UsageError(
        `transaction mode "all" needs DDL that can be rolled back, and the ${setup.dialect.name} dialect's cannot: each migration runs statement by statement, recorded as it goes.`,
        { hint: 'Use transaction mode "each" (the default) or "none".' },
      );
    }
    const outside = units.filter((unit) => !runsInTransaction(unit.step, 'all', setup.dialect));
    if (outside.length > 0) {
      throw new UsageError(
        `transaction mode "all" cannot include ${outside.map((unit) => unit.file.path).join(', ')}: it must run outside a transaction.`,
        {
          hint: 'Apply it on its own with transaction mode "each" (the default), or drop transaction:false.',
        },
      );
    }
  }
  return units;
}

/** What a run learns before it runs anything: the server's version, the units, the linter's reports. */
async function prepareRun(
  setup: RunnerSetup,
  conn: Connection,
  entries: StatusEntry[],
  direction: Direction,
) {
  const server = await targetVersion(setup, conn);
  const units = await loadUnits(setup, entries, direction, server);
  const reports = await inspectForRun(setup, conn, units, direction, server);
  assertParses(reports);
  return { server, units, reports };
}

function executeUnits(
  setup: RunnerSetup,
  units: Unit[],
  direction: Direction,
  env: RunEnv,
  reports: UnitReport[],
  preview?: (unit: Unit) => Promise<OnlinePreview>,
): Promise<RunResult> {
  return runUnits(units, direction, {
    ctx: execContext(setup, env),
    transactionMode: setup.config.transaction,
    onEvent: setup.onEvent,
    onlineEnv: () => onlineEnv(setup, env.conn!),
    reports: new Map(reports.map((report) => [report.unit, report])),
    preview,
  });
}

/**
 * Runs on a dry-run sink what a live run would, refusing where it would refuse (the linter's
 * errors too, unless allowed). Status, the server version and an online migration's preview are
 * read on one session, which the preview makes read-only while it records.
 *
 * @example
 * const result = await applyDryRun(setup, 'up', (status) => planUp(status, target, {}));
 */
export function applyDryRun(
  setup: RunnerSetup,
  direction: Direction,
  plan: RunPlan,
  options: RunOptions = {},
): Promise<RunResult> {
  return setup.sessions.withConnection(async (conn) => {
    const entries = plan(await statusFor(setup, conn, direction));
    const { server, units, reports } = await prepareRun(setup, conn, entries, direction);
    if (!options.allowUnsafe) assertSafe(reports);
    const sink = new DryRunSink(setup.dialect);
    const preview = (unit: Unit) => previewOnlineUnit(setup, conn, unit, server);
    const env = { sink, conn: null, server };
    const result = await executeUnits(setup, units, direction, env, reports, preview);
    return { ...result, script: sink.script, findings: reports.flatMap((report) => report.findings) };
  });
}

/**
 * Plans and runs under the runner lock: a runner that waited finds the work already done.
 *
 * @example
 * const result = await applyLive(setup, 'down', (status) => planDown(status, target));
 */
export function applyLive(
  setup: RunnerSetup,
  direction: Direction,
  plan: RunPlan,
  options: RunOptions = {},
): Promise<RunResult> {
  return setup.sessions.locked(async (conn) => {
    const entries = plan(await statusFor(setup, conn, direction));
    if (entries.length === 0) return { direction, migrations: [] };
    const { server, units, reports } = await prepareRun(setup, conn, entries, direction);
    const sink = new LiveSink(
      conn,
      setup.statementEvents
        ? ({ origin, text, durationMs }) =>
            setup.onEvent({
              type: 'statement',
              file: origin.file,
              line: origin.line,
              sql: text.trim(),
              durationMs,
            })
        : undefined,
    );
    const env = { sink, conn, server };
    const unsafe = options.allowUnsafe ? -1 : firstUnsafe(reports);
    if (unsafe < 0) return executeUnits(setup, units, direction, env, reports);
    // The clean migrations before the first unsafe one are applied (they do not depend on it),
    // then the run refuses, saying what it applied. With transaction mode "all" the run is one
    // transaction: all or nothing, so nothing is applied.
    const clean = setup.config.transaction === 'all' ? [] : units.slice(0, unsafe);
    const done = clean.length > 0 ? await executeUnits(setup, clean, direction, env, reports) : null;
    throw unsafeError(reports.slice(unsafe), done?.migrations ?? []);
  });
}
