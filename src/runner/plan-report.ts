/**
 * `sluice plan`: for each pending migration, each statement with the locks it takes and on which
 * tables, whether it rewrites or scans, the rows it touches (estimated from the catalog), whether
 * it runs in a transaction, the migration's class, and the linter's findings. An online migration
 * gets its preview instead: what start, complete and abort send, phase by phase. Reads only.
 */
import type { Finding } from '../lint/types.js';
import type { MigrationStep } from '../migrations/types.js';
import type { OnlinePreview } from '../online/index.js';
import type { ReportedStatement } from './online-report.js';
import type { Unit } from './prepare.js';
import type { UnitReport } from './safety.js';

export interface PlannedStatement {
  sql: string;
  line: number;
  kind: string | null;
  locks: { mode: string; table: string; estimatedRows: number | null }[];
  rewrites: boolean;
  scans: boolean;
  inTransaction: boolean;
  note?: string;
}

export interface PlannedMigration {
  version: string;
  name: string;
  file: string;
  class: string;
  inTransaction: boolean;
  /** Null when a TypeScript migration's statements depend on data it reads (not known in advance). */
  statements: PlannedStatement[] | null;
  findings: Finding[];
  /** Why its statements were not linted (`lint.startAfter`). */
  notLinted?: string;
  /**
   * An online migration: what `up` (start), `complete` and `abort` would send, phase by phase.
   * `statements` is null when it is not previewed: earlier pending migrations change the schema
   * it is planned against (`note` says so).
   */
  online?: { schema: string | null; statements: ReportedStatement[] | null; note?: string };
}

/** Where `sluice plan` gets what it knows beyond the reports. */
export interface PlanReportSources {
  /** The planner's estimate of a table's rows (null: unknown or not created yet). */
  estimatedRows(table: string): Promise<number | null>;
  /** Whether a step runs in a transaction (see `runsInTransaction`). */
  inTransaction(step: MigrationStep): boolean;
  /** Online migrations' previews, or why one was not previewed. */
  previews?: Map<Unit, OnlinePreview | string>;
}

/** Estimates per table, each read once. */
function rowEstimates(sources: PlanReportSources): (table: string) => Promise<number | null> {
  const cache = new Map<string, Promise<number | null>>();
  return (table) => {
    let estimate = cache.get(table);
    if (!estimate) {
      estimate = sources.estimatedRows(table);
      cache.set(table, estimate);
    }
    return estimate;
  };
}

/** The plan of an online migration: its preview, each lock with the rows behind it. */
async function onlineEntry(
  report: UnitReport,
  preview: OnlinePreview | string,
  estimate: (table: string) => Promise<number | null>,
): Promise<PlannedMigration> {
  const base = {
    version: report.unit.file.version,
    name: report.unit.file.name,
    file: report.unit.file.path,
    class: 'online',
    inTransaction: false,
    statements: [], // under `online`, phase by phase
    findings: report.findings,
  };
  if (typeof preview === 'string')
    return { ...base, online: { schema: null, statements: null, note: preview } };
  const statements: ReportedStatement[] = [];
  for (const statement of preview.statements) {
    const locks = [];
    for (const lock of statement.locks) locks.push({ ...lock, estimatedRows: await estimate(lock.table) });
    statements.push({ ...statement, locks });
  }
  return { ...base, online: { schema: preview.schema, statements } };
}

/**
 * `sluice plan`'s report from the inspected units: each statement with its locks and the rows
 * behind them, each online migration with its preview.
 *
 * @example
 * const plan = await planReport(reports, { estimatedRows: (t) => catalog.estimatedRows(conn, t), inTransaction: (step) => step.transaction });
 */
export async function planReport(
  reports: UnitReport[],
  sources: PlanReportSources,
): Promise<PlannedMigration[]> {
  const estimate = rowEstimates(sources);
  const out: PlannedMigration[] = [];
  for (const report of reports) {
    const preview = sources.previews?.get(report.unit);
    if (preview !== undefined) {
      out.push(await onlineEntry(report, preview, estimate));
      continue;
    }
    const inTransaction = sources.inTransaction(report.unit.step);
    const statements: PlannedStatement[] | null = [];
    for (const { statement, analysis } of report.analyses ?? []) {
      const meta = statement.meta;
      // A typed operation's compiler knows its locks; for raw SQL (no locks in its metadata) the
      // analyzer reads them from the statement itself.
      const known = meta && meta.locks.length > 0 ? meta : undefined;
      const locks = known?.locks ?? analysis?.locks ?? [];
      const planned: PlannedStatement['locks'] = [];
      for (const lock of locks)
        planned.push({ mode: lock.mode, table: lock.table, estimatedRows: await estimate(lock.table) });
      statements.push({
        sql: statement.sql,
        line: statement.line,
        kind: analysis?.kind ?? null,
        locks: planned,
        rewrites: Boolean(meta?.rewrites || analysis?.rewrites),
        scans: Boolean(meta?.scans || analysis?.scans),
        inTransaction: inTransaction && (meta?.transactional ?? analysis?.transactional ?? true),
        ...(meta?.note && (known || !analysis) ? { note: meta.note } : {}),
      });
    }
    out.push({
      version: report.unit.file.version,
      name: report.unit.file.name,
      file: report.unit.file.path,
      class: report.class,
      inTransaction,
      statements: report.analyses ? statements : null,
      findings: report.findings,
      ...(report.notLinted ? { notLinted: report.notLinted } : {}),
    });
  }
  return out;
}
