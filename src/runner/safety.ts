/**
 * What sluice checks before it applies anything: the linter's findings and the class of change of
 * each migration. The linter is the dialect's (`Dialect.linter`), loaded only when there is work to
 * do; a dialect without one has its migrations applied unlinted.
 */
import type { Dialect, ServerVersion } from '../dialects/dialect.js';
import { MigrationFileError, RefusedError } from '../errors.js';
import type { DialectLinter } from '../lint/dialect-linter.js';
import type { SchemaModel } from '../lint/schema.js';
import type { Finding, StatementAnalysis } from '../lint/types.js';
import { compareVersions } from '../migrations/source.js';
import type { RecordedStatement, Unit } from './prepare.js';

/** What the linter and analyzer say about one migration about to run. */
export interface UnitReport {
  unit: Unit;
  findings: Finding[];
  /** Strongest class of change among its statements: `additive`, `data`, `transformative`, `destructive`, or `none`. */
  class: string;
  /** Per statement, in order; null when the statements could not be known in advance. */
  analyses: { statement: RecordedStatement; analysis: StatementAnalysis | null }[] | null;
  /** Why the linter's rules did not run on it (`lint.startAfter`). */
  notLinted?: string;
}

export interface LintSettings {
  /** The dialect's linter; none: the units are classified `unknown` and nothing is linted. */
  linter: DialectLinter | undefined;
  /** Major PostgreSQL version the SQL targets. */
  pgVersion: number;
  rules: Record<string, 'off' | 'warning' | 'error'>;
  /** Migrations up to this version are analysed but not linted (config `lint.startAfter`). */
  startAfter?: string;
  /** What the schema holds before the run (the live database's columns); default: nothing known. */
  schema?: SchemaModel;
  /** Which of these relations (or an index's table) hold no rows now; without it, none is known empty. */
  emptyRelations?: (relations: string[]) => Promise<Set<string>>;
}

/** Why a finding on these relations is harmless here, or null when it still counts. */
type Harmless = (relations: string[], hazard: 'lock' | 'compatibility') => Promise<string | null>;

/**
 * Lints and classifies the units of an `up`, in order (the schema learnt from one informs the
 * next). An error whose risk lies in the table being in use (a rule's `hazard`) is downgraded to a
 * warning, with the reason, when every relation its statement locks was created earlier in this
 * run, or (for a lock hazard) holds no rows: nobody waits behind a lock on a table nobody uses.
 *
 * @example
 * const reports = await inspectUnits(units, { linter: await dialect.linter?.(), pgVersion: 16, rules: {} });
 */
export async function inspectUnits(units: Unit[], settings: LintSettings): Promise<UnitReport[]> {
  const lint = settings.linter;
  if (!lint) return units.map(unlinted);
  const schema = settings.schema ?? (await lint.schemaFrom([]));
  const reports: UnitReport[] = [];
  // Tables an earlier statement of the run may have written rows to: no longer known empty.
  const written = new Set<string>();
  let rowsKnown = true;
  const emptyCache = new Map<string, boolean>();
  const isEmpty = async (relations: string[]): Promise<boolean> => {
    if (!settings.emptyRelations || !rowsKnown) return false;
    const unknown = relations.filter((relation) => !emptyCache.has(relation));
    if (unknown.length > 0) {
      const empty = await settings.emptyRelations(unknown);
      for (const relation of unknown) emptyCache.set(relation, empty.has(relation));
    }
    return relations.every((relation) => emptyCache.get(relation) === true);
  };
  for (const unit of units) {
    if (!unit.statements) {
      // Statements that depend on data: the run may write anything from here on.
      rowsKnown = false;
      reports.push({ unit, findings: [], class: 'unknown', analyses: null });
      continue;
    }
    const before = schema.moment(); // tables created by the earlier migrations of this run
    const harmless: Harmless = async (relations, hazard) => {
      if (relations.length === 0) return null;
      const fresh = relations.filter((relation) => !schema.createdAt(lint.tableKey(relation), before));
      if (fresh.length === 0) return 'table created in this run';
      if (hazard !== 'lock' || fresh.some((relation) => written.has(lint.tableKey(relation)))) return null;
      return (await isEmpty(fresh)) ? 'table is empty' : null;
    };
    const notLinted =
      settings.startAfter !== undefined && compareVersions(unit.file.version, settings.startAfter) <= 0
        ? `not linted: lint.startAfter is ${settings.startAfter}`
        : undefined;
    const ctx = {
      file: unit.file.path,
      transaction: unit.step.transaction,
      pgVersion: settings.pgVersion,
      source: unit.file.text,
    };
    // The linter analyzes every statement it parses; keep those (one parse per statement).
    const perStatement: StatementAnalysis[][] = unit.statements.map(() => []);
    const located: { finding: Finding; index: number }[] = [];
    const findings = await lint.lintStatements(unit.statements, ctx, {
      rules: settings.rules,
      schema,
      // Skipped migrations still teach the schema model what they create.
      syntaxOnly: notLinted !== undefined,
      onAnalysis: (i, analysis) => perStatement[i]?.push(analysis),
      onFinding: (finding, index) => located.push({ finding, index }),
    });
    const analyses = unit.statements.map((statement, i) => ({
      statement,
      analysis: merge(perStatement[i] ?? []),
    }));
    for (const { finding, index } of located) {
      const hazard = lint.hazardOf(finding.rule);
      if (finding.severity !== 'error' || !hazard) continue;
      const relations = analyses[index]?.analysis?.locks.map((lock) => lock.table) ?? [];
      const reason = await harmless(relations, hazard);
      if (reason) Object.assign(finding, { severity: 'warning', downgraded: reason });
    }
    for (const { statement, analysis } of analyses) {
      if (analysis ? analysis.opaque : statement.sql.trim() !== '') rowsKnown = false;
      else if (analysis?.class === 'data')
        for (const lock of analysis.locks) written.add(lint.tableKey(lock.table));
    }
    const known = analyses.flatMap((a) => (a.analysis ? [a.analysis] : []));
    const report: UnitReport = {
      unit,
      findings: notLinted ? [] : findings,
      class: lint.migrationClass(known),
      analyses,
    };
    if (notLinted) report.notLinted = notLinted;
    reports.push(report);
  }
  return reports;
}

/** The report of a unit no linter looked at: no finding, nothing known of its statements. */
function unlinted(unit: Unit): UnitReport {
  const analyses = unit.statements?.map((statement) => ({ statement, analysis: null })) ?? null;
  return { unit, findings: [], class: 'unknown', analyses };
}

/** One analysis for a statement text that held several statements (or none that parsed: null). */
function merge(list: StatementAnalysis[]): StatementAnalysis | null {
  if (list.length <= 1) return list[0] ?? null;
  const first = list[0]!;
  return {
    ...first,
    locks: list.flatMap((a) => a.locks),
    rewrites: list.some((a) => a.rewrites),
    scans: list.some((a) => a.scans),
    transactional: list.every((a) => a.transactional),
    opaque: list.some((a) => a.opaque),
  };
}

/**
 * A statement PostgreSQL's parser rejects is a bad file (exit 2), not an unsafe one: no
 * `--allow-unsafe` can make it run. Thrown before anything of the run is applied. (A project
 * whose SQL the bundled parser cannot read can turn the `syntax-error` rule off or down to a
 * warning; the server then judges the statement.)
 *
 * @example
 * assertParses(reports); // throws MigrationFileError naming file, line and column
 */
export function assertParses(reports: UnitReport[]): void {
  for (const report of reports) {
    const error = report.findings.find((f) => f.rule === 'syntax-error' && f.severity === 'error');
    if (!error) continue;
    throw new MigrationFileError(
      `Migration ${error.file} does not parse at line ${error.line}, column ${error.column}: ${error.message.replace(/^Syntax error: /, '')} Nothing was applied.`,
      { details: { file: error.file, line: error.line, column: error.column, hint: error.help } },
    );
  }
}

/** Index of the first report with an unacknowledged error-level finding, or -1. */
export function firstUnsafe(reports: UnitReport[]): number {
  return reports.findIndex((r) => r.findings.some((f) => f.severity === 'error'));
}

/**
 * Refuses (exit 3) when error-level findings are not acknowledged by an ignore comment.
 *
 * @example
 * assertSafe(reports); // throws RefusedError('unsafe', …) listing each finding
 */
export function assertSafe(reports: UnitReport[]): void {
  if (firstUnsafe(reports) >= 0) throw unsafeError(reports);
}

/**
 * The refusal of the first unsafe migration in `reports` (which must have one). `applied` names
 * the clean migrations before it that the run applied first; the error carries them in
 * `details.applied`, so a caller can report both.
 *
 * @example
 * throw unsafeError(reports.slice(k), result.migrations);
 */
export function unsafeError(
  reports: UnitReport[],
  applied: { version: string; name: string }[] = [],
): RefusedError {
  const first = Math.max(0, firstUnsafe(reports));
  const errors = reports.flatMap((r) => r.findings.filter((f) => f.severity === 'error'));
  const unit = reports[first]!.unit.file;
  const lines = errors.map(
    (f) => `  ${f.file}:${f.line}:${f.column} ${f.rule}: ${f.message}\n    help: ${f.help}`,
  );
  const names = applied.map((m) => `${m.version}_${m.name}`);
  const before =
    applied.length > 0
      ? `Applied ${applied.length} earlier migration(s) with no unsafe findings (${names.join(', ')}), then stopped. `
      : 'Nothing was applied. ';
  return new RefusedError(
    'unsafe',
    `${before}Refusing to apply ${unit.version}_${unit.name}: the linter found ${errors.length} unsafe statement(s):\n${lines.join('\n')}`,
    {
      hint:
        'Use the safe alternative shown (see docs/rules/<rule>.md), acknowledge a finding with `-- sluice-ignore <rule>: <reason>` ' +
        'above the statement, or pass --allow-unsafe.',
      version: unit.version,
      applied: applied.map(({ version, name }) => ({ version, name })),
      findings: errors,
    },
  );
}

/**
 * For `sluice lint`: gives the linter the statements a `.ts`/`.js` migration sends (its typed
 * operations compiled by `dialect`, its `db.sql` calls), recorded without a database.
 *
 * @example
 * await lintPaths(['migrations'], { loadStatements: scriptStatementsLoader(dialectForTarget(config.target), { major: 15, minor: 0 }) });
 */
export function scriptStatementsLoader(dialect: Dialect, server: ServerVersion) {
  return async (path: string) => {
    const { readMigrationText } = await import('../migrations/read.js');
    const { loadMigration } = await import('../migrations/load.js');
    const { recordStep } = await import('./prepare.js');
    const text = readMigrationText(path, path);
    const kind = /\.m?ts$/.test(path) ? 'ts' : 'js';
    const file = { version: '', name: path, path, kind, checksum: '', text } as const;
    const loaded = await loadMigration(file);
    const env = { dialect, server, onEvent: () => {} };
    const up = await recordStep(env, file, loaded.up);
    if (!up) return null;
    const transaction =
      loaded.up.transaction && !up.some((statement) => statement.meta && !statement.meta.transactional);
    return { up: { statements: up, transaction } };
  };
}
