import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { dialectForTarget } from '../../dialects/index.js';
import { UsageError } from '../../errors.js';
import { displayPath } from '../../migrations/source.js';
import { commandContext, configOverrides } from '../context.js';
import { VERSION } from '../version.js';

/** `sluice lint [paths…]`: lint migration files without a database. */
export function register(program: Command): void {
  program
    .command('lint [paths...]')
    .description('lint migration files (default: the migrations directory); needs no database')
    .option('--format <format>', 'text (default) | json | github | sarif')
    .option('--pg-version <major>', 'PostgreSQL major version to target (default: config, else 15)')
    .option('--fix', 'write the safe rewrite into .sql files where the rule has one, then lint again')
    .action(
      async (paths: string[], opts: { format?: string; pgVersion?: string; fix?: boolean }, cmd: Command) => {
        const ctx = commandContext(cmd);
        const lint = await import('../../lint/index.js');
        const format = (opts.format ??
          (ctx.options.json ? 'json' : 'text')) as (typeof lint.LINT_FORMATS)[number];
        if (!lint.LINT_FORMATS.includes(format)) {
          throw new UsageError(`Unknown format "${opts.format}".`, {
            hint: `Use one of ${lint.LINT_FORMATS.join(', ')}.`,
          });
        }
        const config = await loadConfig({ overrides: configOverrides(ctx.options) });
        const pgVersion = opts.pgVersion ? Number(opts.pgVersion) : (config.lint.pgVersion ?? 15);
        if (!Number.isInteger(pgVersion) || pgVersion < 9)
          throw new UsageError(`Invalid --pg-version "${opts.pgVersion}".`);
        const { scriptStatementsLoader } = await import('../../runner/safety.js');
        const targets = paths.length > 0 ? paths : [displayPath(config.migrationsDir)];
        const options = {
          pgVersion,
          rules: config.lint.rules,
          plainSql: config.layout === 'prisma' || config.layout === 'flyway',
          loadStatements: scriptStatementsLoader(dialectForTarget(config.target), {
            major: pgVersion,
            minor: 0,
          }),
        };
        if (opts.fix) {
          for (const [file, text] of (await lint.lintPaths(targets, options)).sources) {
            const result = await lint.fixSqlText(text, file, options);
            if (result.fixed.length === 0) continue;
            writeFileSync(file, result.text);
            const rules = [...new Set(result.fixed.map((f) => f.rule))].join(', ');
            ctx.out.note(`fixed ${file}: ${result.fixed.length} statement(s) rewritten (${rules})`);
          }
        }
        const report = await lint.lintPaths(targets, options);
        const color = format === 'text' && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
        process.stdout.write(
          lint.formatFindings(format, report.findings, {
            sources: report.sources,
            color,
            toolVersion: VERSION,
          }),
        );
        for (const s of report.skipped) ctx.out.note(`skipped ${s.file}: ${s.reason}`);
        // Error-level findings make the run fail like `up` would refuse: exit 3.
        if (report.findings.some((f) => f.severity === 'error')) process.exitCode = 3;
      },
    );
}
