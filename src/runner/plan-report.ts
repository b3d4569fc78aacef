/**
 * `sluice plan`: for each pending migration, each statement with the locks it takes and on which
 * tables, whether it rewrites or scans, the rows it touches (estimated from the catalog), whether
 * it runs in a transaction, the migration's class, and the linter's findings. An online migration
 * gets its preview instead: what start, complete and abort send, phase by phase. Reads only.
 */
import type { Connection } from '../dialects/dialect.js';
import type { Finding } from '../lint/types.js';
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

/** Estimated live rows of a table from the planner's statistics (null: unknown or not created yet). */
async function estimateRows(
  conn: Connection,
  table: string,
  cache: Map<string, number | null>,
): Promise<number | null> {
  if (cache.has(table)) return cache.get(table)!;
  let rows: number | null = null;
  try {
    const res = await conn.query<{ n: string | number | null }>(
      'SELECT CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS n FROM pg_class c WHERE c.oid = to_regclass($1)',
      [table],
    );
    const n = res.rows[0]?.n;
    rows = n === null || n === undefined ? null : Number(n);
  } catch {
    rows = null; // e.g. a name that is not a valid relation name
  }
  cache.set(table, rows);
  return rows;
}

/** The plan of an online migration: its preview, each lock with the rows behind it. */
async function onlineEntry(
  conn: Connection | null,
  r: UnitReport,
  preview: OnlinePreview | string,
  cache: Map<string, number | null>,
): Promise<PlannedMigration> {
  const base = {
    version: r.unit.file.version,
    name: r.unit.file.name,
    file: r.unit.file.path,
    class: 'online',
    inTransaction: false,
    statements: [], // under `online`, phase by phase
    findings: r.findings,
  };
  if (typeof preview === 'string')
    return { ...base, online: { schema: null, statements: null, note: preview } };
  const statements: ReportedStatement[] = [];
  for (const s of preview.statements) {
    const locks = [];
    for (const l of s.locks)
      locks.push({ ...l, estimatedRows: conn ? await estimateRows(conn, l.table, cache) : null });
    statements.push({ ...s, locks });
  }
  return { ...base, online: { schema: preview.schema, statements } };
}

/**
 * Builds the plan from the inspected units.
 *
 * @example
 * const plan = await buildPlan(conn, reports);
 */
export async function buildPlan(
  conn: Connection | null,
  reports: UnitReport[],
  transactionMode: string,
  previews: Map<Unit, OnlinePreview | string> = new Map(),
): Promise<PlannedMigration[]> {
  const cache = new Map<string, number | null>();
  const out: PlannedMigration[] = [];
  for (const r of reports) {
    const preview = previews.get(r.unit);
    if (preview !== undefined) {
      out.push(await onlineEntry(conn, r, preview, cache));
      continue;
    }
    const inTransaction = r.unit.step.transaction && transactionMode !== 'none';
    const statements: PlannedStatement[] | null = [];
    for (const { statement, analysis } of r.analyses ?? []) {
      const meta = statement.meta;
      // A typed operation's compiler knows its locks; for raw SQL (no locks in its metadata) the
      // analyzer reads them from the statement itself.
      const known = meta && meta.locks.length > 0 ? meta : undefined;
      const locks = known?.locks ?? analysis?.locks ?? [];
      const planned: PlannedStatement['locks'] = [];
      for (const l of locks)
        planned.push({
          mode: l.mode,
          table: l.table,
          estimatedRows: conn ? await estimateRows(conn, l.table, cache) : null,
        });
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
      version: r.unit.file.version,
      name: r.unit.file.name,
      file: r.unit.file.path,
      class: r.class,
      inTransaction,
      statements: r.analyses ? statements : null,
      findings: r.findings,
      ...(r.notLinted ? { notLinted: r.notLinted } : {}),
    });
  }
  return out;
}
