import type { Command } from 'commander';
import { onlineScript } from '../../runner/online-report.js';
import { commandContext, withMigrator } from '../context.js';
import { c } from '../output.js';

function rows(n: number | null): string {
  return n === null
    ? '?'
    : n >= 1_000_000
      ? `${(n / 1_000_000).toFixed(1)}M`
      : n >= 1000
        ? `${(n / 1000).toFixed(1)}k`
        : String(n);
}

/** `sluice plan [target]`: what `up` would do, statement by statement; changes nothing. */
export function register(program: Command): void {
  program
    .command('plan [target]')
    .description(
      'show each pending statement: locks and rows behind them, rewrites, scans, transactions, findings',
    )
    .option('--allow-out-of-order', 'include pending migrations older than the newest applied one')
    .action(async (target: string | undefined, opts: { allowOutOfOrder?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        const plan = await m.plan(target, { allowOutOfOrder: opts.allowOutOfOrder });
        ctx.out.result({ migrations: plan });
        if (plan.length === 0) ctx.out.line('Nothing pending.');
        for (const mig of plan) {
          if (mig.online) {
            ctx.out.line(
              `${c.bold(`${mig.version}_${mig.name}`)}  online${mig.online.schema ? `  version schema ${mig.online.schema}` : ''}`,
            );
            if (mig.online.note) ctx.out.line(`  (${mig.online.note})`);
            for (const l of onlineScript(mig.online.statements ?? []))
              for (const part of l.split('\n')) ctx.out.line(`  ${part}`);
            ctx.out.line();
            continue;
          }
          ctx.out.line(
            `${c.bold(`${mig.version}_${mig.name}`)}  ${mig.class}  ${mig.inTransaction ? 'in a transaction' : c.yellow('outside a transaction')}`,
          );
          if (mig.statements === null)
            ctx.out.line('  (statements depend on data the migration reads: not known in advance)');
          for (const s of mig.statements ?? []) {
            const locks =
              s.locks.map((l) => `${l.mode} on ${l.table} (~${rows(l.estimatedRows)} rows)`).join(', ') ||
              'no table lock';
            const flags = [
              s.rewrites ? c.red('rewrites') : '',
              s.scans && !s.rewrites ? c.yellow('scans') : '',
              s.inTransaction ? '' : 'no transaction',
            ]
              .filter(Boolean)
              .join(', ');
            ctx.out.line(`  line ${String(s.line).padEnd(4)} ${s.sql.split('\n')[0]!.slice(0, 90)}`);
            ctx.out.line(
              `            ${locks}${flags ? `; ${flags}` : ''}${s.note ? c.dim(` (${s.note})`) : ''}`,
            );
          }
          for (const f of mig.findings) {
            ctx.out.line(
              `  ${f.severity === 'error' ? c.red('error') : c.yellow('warning')} line ${f.line} ${f.rule}: ${f.message}${f.downgraded ? c.dim(` (not blocking: ${f.downgraded})`) : ''}`,
            );
          }
          if (mig.notLinted) ctx.out.line(c.dim(`  (${mig.notLinted})`));
          ctx.out.line();
        }
      });
    });
}
