import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { commandContext, configOverrides } from '../context.js';
import { VERSION } from '../version.js';

/** `--pg-version`: a PostgreSQL major version (9 or later). */
function pgVersionOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 9) throw new UsageError(`Invalid --pg-version "${value}".`);
  return n;
}

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
        const format = opts.format ?? (ctx.options.json ? 'json' : 'text');
        const color = format === 'text' && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
        const { lintMigrations } = await import('../../project/lint.js');
        const report = await lintMigrations({
          paths,
          pgVersion: pgVersionOption(opts.pgVersion),
          fix: opts.fix,
          render: { format, color, toolVersion: VERSION },
          overrides: configOverrides(ctx.options),
        });
        for (const f of report.fixed) {
          ctx.out.note(`fixed ${f.file}: ${f.statements} statement(s) rewritten (${f.rules.join(', ')})`);
        }
        ctx.out.report(report.output ?? '');
        for (const s of report.skipped) ctx.out.note(`skipped ${s.file}: ${s.reason}`);
        // Error-level findings make the run fail like `up` would refuse: exit 3.
        if (report.errors > 0) ctx.exit(3);
      },
    );
}
