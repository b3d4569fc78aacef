/**
 * Linting files: one dbmate-format `.sql` migration, or whole directories. TypeScript and
 * JavaScript migrations are linted through the statements their operations compile to, which
 * the caller's `loadStatements` gives; without it they are listed as skipped, never dropped.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { MigrationFileError, UsageError } from '../errors.js';
import { decodeMigration } from '../migrations/read.js';
import { parsePlainSqlMigration, parseSqlMigration } from '../migrations/sql-file.js';
import { splitStatements } from '../sql/split.js';
import { lintStatements, resolveRules } from './linter.js';
import { SchemaModel } from './schema.js';
import type { Finding, LintContext, LintOptions, LintReport, LintStatementInput } from './types.js';
import { majorVersion } from './version.js';

const SCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

function normalize(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
}

/** Comments above `-- migrate:up` (where a file-wide ignore usually sits), as one pseudo statement. */
function headerComments(text: string, markerLine: number): LintStatementInput | null {
  let offset = 0;
  for (let line = 1; line < markerLine; line++) offset = text.indexOf('\n', offset) + 1;
  if (offset === 0) return null;
  // The splitter attaches comments to the statement after them: give it one to attach them to.
  const [sentinel] = splitStatements(`${text.slice(0, offset)}\nSELECT`);
  if (!sentinel || sentinel.leadingComments.length === 0) return null;
  return { sql: '', line: markerLine, column: 1, offset, leadingComments: sentinel.leadingComments };
}

function fileError(file: string, error: MigrationFileError): Finding {
  const line = typeof error.details.line === 'number' ? error.details.line : 1;
  const column = typeof error.details.column === 'number' ? error.details.column : 1;
  const hint = typeof error.details.hint === 'string' ? error.details.hint : 'Fix the migration file.';
  return { file, line, column, rule: 'syntax-error', severity: 'error', message: error.message, help: hint };
}

/**
 * Lints one dbmate-format SQL migration: every rule on the `up` section, syntax only on `down`
 * (every rule with `lintDown: true`). A file that cannot be read as a migration gives one
 * `syntax-error` finding.
 *
 * @example
 * const findings = await lintSqlFile('-- migrate:up\nALTER TABLE users DROP COLUMN age;\n', 'db/migrations/2_drop_age.sql');
 * // [{ rule: 'ban-drop-column', line: 2, column: 1, severity: 'error', … }]
 */
export async function lintSqlFile(
  text: string,
  file: string,
  options: LintOptions & { schema?: SchemaModel } = {},
): Promise<Finding[]> {
  return (await lintSqlText(text, file, options)).findings;
}

/** Extra options of {@link lintSqlText}. */
interface SqlTextOptions extends LintOptions {
  schema?: SchemaModel;
  /** Receives each finding of the `up` section with the statement it is about. */
  onFinding?: (finding: Finding, statement: LintStatementInput) => void;
}

/** Lints one SQL migration's text (see {@link lintSqlFile}). */
export async function lintSqlText(
  text: string,
  file: string,
  options: SqlTextOptions,
): Promise<{ findings: Finding[]; statements: number }> {
  let parsed: ReturnType<typeof parseSqlMigration>;
  try {
    parsed = (options.plainSql ? parsePlainSqlMigration : parseSqlMigration)(text, file);
  } catch (error) {
    if (error instanceof MigrationFileError) return { findings: [fileError(file, error)], statements: 0 };
    throw error;
  }
  const source = normalize(text);
  const pgVersion = majorVersion(options.pgVersion);
  const header = headerComments(source, parsed.up.line);
  const upStatements = header ? [header, ...parsed.up.statements] : parsed.up.statements;
  const ctx: LintContext = { file, transaction: parsed.up.transaction, pgVersion, source };
  const onFinding = options.onFinding;
  const findings = await lintStatements(upStatements, ctx, {
    rules: options.rules,
    schema: options.schema,
    onFinding: onFinding && ((f, i) => upStatements[i] && onFinding(f, upStatements[i])),
  });
  if (parsed.down) {
    const downCtx: LintContext = { ...ctx, transaction: parsed.down.transaction };
    // No schema here: the down section must not teach the model what `up` undoes.
    findings.push(
      ...(await lintStatements(parsed.down.statements, downCtx, {
        rules: options.rules,
        syntaxOnly: !options.lintDown,
      })),
    );
  }
  return { findings, statements: parsed.up.statements.length + (parsed.down?.statements.length ?? 0) };
}

async function expand(
  path: string,
  out: string[],
  explicit: boolean,
  skipped: LintReport['skipped'],
): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new UsageError(`${path}: no such file or directory`, {
      file: path,
      hint: 'Give migration files or directories to lint.',
    });
  }
  if (info.isDirectory()) {
    const entries = (await readdir(path, { withFileTypes: true }))
      .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) await expand(join(path, e.name), out, false, skipped);
    return;
  }
  const ext = extname(path);
  if (ext === '.sql' || (SCRIPT_EXTENSIONS.has(ext) && !path.endsWith('.d.ts'))) out.push(path);
  else if (explicit) skipped.push({ file: path, reason: `not a migration file (${ext || 'no extension'})` });
}

/**
 * Lints files and directories (recursively, in name order, so the schema learnt from earlier
 * migrations informs later ones). `.sql` files are read here; `.ts`/`.js` files go through
 * `options.loadStatements`, and are reported in `skipped` when there is none.
 *
 * @example
 * const report = await lintPaths(['db/migrations'], { pgVersion: 16, rules: { 'prefer-robust-stmts': 'off' } });
 * process.exitCode = report.findings.some((f) => f.severity === 'error') ? 1 : 0;
 */
export async function lintPaths(paths: readonly string[], options: LintOptions = {}): Promise<LintReport> {
  resolveRules(options.rules); // configuration errors first, before any file is read
  const files: string[] = [];
  const skipped: LintReport['skipped'] = [];
  for (const p of paths) await expand(p, files, true, skipped);
  const schema = new SchemaModel();
  const report: LintReport = { findings: [], files: [], skipped, statements: 0, sources: new Map() };
  const pgVersion = majorVersion(options.pgVersion);
  // Read ahead in parallel, lint in order (the schema model depends on the order).
  const bytes = files.map((f) => (extname(f) === '.sql' ? readFile(f) : Promise.resolve(null)));
  for (const [i, file] of files.entries()) {
    const read = await bytes[i];
    // Strict UTF-8: a lenient decode would lint U+FFFD in place of the bytes the server gets.
    const text = read ? decodeMigration(read, file) : null;
    if (text !== null) {
      report.sources.set(file, text);
      const result = await lintSqlText(text, file, { ...options, schema });
      report.findings.push(...result.findings);
      report.statements += result.statements;
      report.files.push(file);
      continue;
    }
    const loaded = options.loadStatements ? await options.loadStatements(file) : null;
    if (!loaded) {
      skipped.push({
        file,
        reason: options.loadStatements
          ? 'the loader returned no statements'
          : 'TypeScript/JavaScript migrations are linted through the runner (sluice lint loads them)',
      });
      continue;
    }
    const ctx: LintContext = { file, transaction: loaded.up.transaction, pgVersion };
    report.findings.push(
      ...(await lintStatements(loaded.up.statements, ctx, { rules: options.rules, schema })),
    );
    if (loaded.down && options.lintDown) {
      const downCtx = { ...ctx, transaction: loaded.down.transaction };
      report.findings.push(
        ...(await lintStatements(loaded.down.statements, downCtx, { rules: options.rules })),
      );
    }
    report.statements += loaded.up.statements.length;
    report.files.push(file);
  }
  return report;
}
