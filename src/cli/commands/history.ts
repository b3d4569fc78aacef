import type { Command } from 'commander';
import { commandContext, withMigrator } from '../context.js';
import { fmtMs } from '../output.js';

/** `sluice history`: applied migrations with time, duration and who applied them. */
export function register(program: Command): void {
  program
    .command('history')
    .description('list applied migrations with when, how long and by whom')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        const rows = await m.historyRows();
        ctx.out.result(
          rows.map((r) => ({
            version: r.version,
            name: r.name,
            status: r.status,
            appliedAt: r.appliedAt.toISOString(),
            durationMs: r.durationMs,
            appliedBy: r.appliedBy,
          })),
        );
        if (rows.length === 0) ctx.out.line('No migration has been applied.');
        for (const r of rows) {
          ctx.out.line(
            `${r.version}  ${r.name.padEnd(32)} ${r.appliedAt.toISOString()}  ${fmtMs(r.durationMs).padStart(9)}  ${r.appliedBy}${r.status === 'applied' ? '' : `  (${r.status})`}`,
          );
        }
      });
    });
}
