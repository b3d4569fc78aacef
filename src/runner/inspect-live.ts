/**
 * Judging pending migrations against the live database before they run: the dialect's linter with
 * the live column types and empty tables (so `up`, `plan` and `lint` judge a statement alike), and
 * an online migration's preview.
 */
import type { Connection, ServerVersion } from '../dialects/dialect.js';
import type { OnlinePreview } from '../online/index.js';
import type { Direction } from './execute.js';
import { previewUnit } from './online-runner.js';
import type { Unit } from './prepare.js';
import { inspectUnits, type UnitReport } from './safety.js';
import { lintVersion, onlineEnv, type RunnerSetup } from './setup.js';

/**
 * Lints what `up` is about to apply against the live schema: its column types, and which tables
 * are empty (read through the dialect's catalog). A dialect without a linter reads nothing.
 *
 * @example
 * const reports = await lintAgainstLive(setup, conn, units, server);
 */
export async function lintAgainstLive(
  setup: RunnerSetup,
  conn: Connection,
  units: Unit[],
  server: ServerVersion,
): Promise<UnitReport[]> {
  const { config, dialect } = setup;
  const linter = await dialect.linter?.();
  if (!linter) return inspectUnits(units, { linter, pgVersion: lintVersion(setup, server), rules: {} });
  const catalog = await dialect.catalog();
  return inspectUnits(units, {
    linter,
    pgVersion: lintVersion(setup, server),
    rules: config.lint.rules,
    startAfter: config.lint.startAfter,
    schema: await linter.schemaFrom(await catalog.liveColumns(conn)),
    emptyRelations: (names) => catalog.emptyRelations(conn, names, config.lockTimeoutMs),
  });
}

/**
 * Lints what `up` is about to apply and reports each finding as a note; `down` runs what `up`
 * undid, so it is not linted.
 *
 * @example
 * const reports = await inspectForRun(setup, conn, units, 'up', server);
 */
export async function inspectForRun(
  setup: RunnerSetup,
  conn: Connection,
  units: Unit[],
  direction: Direction,
  server: ServerVersion,
): Promise<UnitReport[]> {
  if (direction !== 'up' || units.length === 0) return [];
  const reports = await lintAgainstLive(setup, conn, units, server);
  for (const finding of reports.flatMap((report) => report.findings)) {
    const why = finding.downgraded ? ` (not blocking: ${finding.downgraded})` : '';
    setup.onEvent({
      type: 'note',
      message: `${finding.severity} ${finding.file}:${finding.line}:${finding.column} ${finding.rule}: ${finding.message}${why}`,
    });
  }
  return reports;
}

/**
 * Previews an online unit: what it would send, recorded by its own phases on `conn` (read-only
 * meanwhile).
 *
 * @example
 * const preview = await previewOnlineUnit(setup, conn, unit, server);
 */
export function previewOnlineUnit(
  setup: RunnerSetup,
  conn: Connection,
  unit: Unit,
  server: ServerVersion,
): Promise<OnlinePreview> {
  return previewUnit(onlineEnv(setup, conn), unit.file, unit.loaded.definition!, lintVersion(setup, server));
}

/**
 * What each online migration among `units` would send. Only the first unit of a run is previewed:
 * a later one is planned against the schema the earlier ones leave, which a preview cannot see.
 *
 * @example
 * const previews = await previewOnlineUnits(setup, conn, units, server);
 */
export async function previewOnlineUnits(
  setup: RunnerSetup,
  conn: Connection,
  units: Unit[],
  server: ServerVersion,
): Promise<Map<Unit, OnlinePreview | string>> {
  const out = new Map<Unit, OnlinePreview | string>();
  for (const [index, unit] of units.entries()) {
    if (!unit.loaded.definition?.online) continue;
    out.set(
      unit,
      index > 0
        ? `not previewed: ${index} earlier pending migration(s) change the schema first; plan again once they are applied`
        : await previewOnlineUnit(setup, conn, unit, server),
    );
  }
  return out;
}
