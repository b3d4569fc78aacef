/**
 * `sluice lint` as a function: lints the project's migration files (or the paths given) with the
 * config's rules, and with `fix`, first writes the safe rewrites into `.sql` files. Needs no
 * database. The linter and its parser are loaded on the first call, not on import.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SluiceConfig } from '../config/define.js';
import { type ConfigOverrides, loadConfig } from '../config/load.js';
import { dialectForTarget } from '../dialects/index.js';
import { UsageError } from '../errors.js';
import type { FormatOptions, LintFormat } from '../lint/format/index.js';
import type { LintOptions, LintReport } from '../lint/types.js';
import { majorVersion } from '../lint/version.js';
import { displayPath } from '../migrations/source.js';

/** Options of {@link lintMigrations}. */
export interface LintMigrationsOptions {
  /** Files and directories to lint. Default: the config's migrations directory. */
  paths?: readonly string[];
  /** PostgreSQL major version the SQL targets. Default: the config's `lint.pgVersion`, else 15. */
  pgVersion?: number;
  /** Write the safe rewrite into `.sql` files where the rule has a drop-in one, then lint. */
  fix?: boolean;
  /**
   * Also render the findings as `sluice lint --format` does (`text`, `json`, `github`, `sarif`), into
   * {@link LintMigrationsResult.output}. An unknown format is refused before anything is read.
   */
  render?: { format: string } & Pick<FormatOptions, 'color' | 'docsBaseUrl' | 'toolVersion'>;
  /** The project directory (config file, relative `paths`). Default: the working directory. */
  cwd?: string;
  overrides?: ConfigOverrides;
  /** A config object instead of a config file. */
  config?: SluiceConfig;
}

/** A file `fix` rewrote: how many statements, by which rules' fixes. */
export interface FixedFile {
  file: string;
  statements: number;
  rules: string[];
}

/** What {@link lintMigrations} found (after fixing, with `fix`). */
export interface LintMigrationsResult extends LintReport {
  /** The major version linted against. */
  pgVersion: number;
  /** Files rewritten by `fix`, in the order linted (empty without `fix`). */
  fixed: FixedFile[];
  /** Error-level findings: `sluice lint` exits 3 when there is any, as `up` would refuse. */
  errors: number;
  /** The findings in the format asked for (with `render`). */
  output?: string;
}

/**
 * Lints migration files as `sluice lint` does: SQL files with PostgreSQL's parser, TypeScript and
 * JavaScript migrations through the SQL their operations compile to, each file informing the
 * next. Findings are data; nothing is printed.
 *
 * @example
 * const report = await lintMigrations({ paths: ['migrations'], pgVersion: 16 });
 * for (const f of report.findings) console.log(`${f.file}:${f.line} ${f.rule} ${f.message}`);
 * const { output } = await lintMigrations({ render: { format: 'sarif' } }); // for a code-scanning upload
 */
export async function lintMigrations(options: LintMigrationsOptions = {}): Promise<LintMigrationsResult> {
  const lint = await import('../lint/index.js');
  const render = options.render;
  if (render && !lint.LINT_FORMATS.includes(render.format as LintFormat)) {
    throw new UsageError(`Unknown format "${render.format}".`, {
      hint: `Use one of ${lint.LINT_FORMATS.join(', ')}.`,
    });
  }
  const config = await loadConfig({ cwd: options.cwd, overrides: options.overrides, config: options.config });
  const { scriptStatementsLoader } = await import('../runner/safety.js');
  const pgVersion = majorVersion(options.pgVersion ?? config.lint.pgVersion);
  const shown = (p: string) => (options.cwd ? displayPath(resolve(options.cwd, p)) : p);
  const targets = options.paths?.length ? options.paths.map(shown) : [displayPath(config.migrationsDir)];
  const lintOptions: LintOptions = {
    pgVersion,
    rules: config.lint.rules,
    plainSql: config.layout === 'prisma' || config.layout === 'flyway',
    loadStatements: scriptStatementsLoader(dialectForTarget(config.target), { major: pgVersion, minor: 0 }),
  };
  const fixed: FixedFile[] = [];
  if (options.fix) {
    for (const [file, text] of (await lint.lintPaths(targets, lintOptions)).sources) {
      const result = await lint.fixSqlText(text, file, lintOptions);
      if (result.fixed.length === 0) continue;
      writeFileSync(file, result.text);
      fixed.push({
        file,
        statements: result.fixed.length,
        rules: [...new Set(result.fixed.map((f) => f.rule))],
      });
    }
  }
  const report = await lint.lintPaths(targets, lintOptions);
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const output = render
    ? lint.formatFindings(render.format as LintFormat, report.findings, {
        ...render,
        sources: report.sources,
      })
    : undefined;
  return { ...report, pgVersion, fixed, errors, ...(output === undefined ? {} : { output }) };
}
