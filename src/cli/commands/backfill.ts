import type { Command } from 'commander';
import { commandContext, withMigrator } from '../context.js';

/** `sluice backfill status | resume`: batched backfills left unfinished by a crash. */
export function register(program: Command): void {
  const backfill = program.command('backfill').description('inspect or resume batched backfills');
  backfill
    .command('status')
    .description('list unfinished backfills and their progress')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        const pending = await m.pendingBackfills();
        ctx.out.result({ backfills: pending });
        if (pending.length === 0) ctx.out.line('No unfinished backfill.');
        for (const b of pending) ctx.out.line(JSON.stringify(b));
      });
    });
  backfill
    .command('resume')
    .description('resume every unfinished backfill from its last committed batch')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        // Progress arrives as events: a bar on a terminal, JSON lines with --json, nothing with --quiet.
        const results = await m.resumeBackfills();
        ctx.out.result({ resumed: results });
        ctx.out.line(results.length === 0 ? 'Nothing to resume.' : `Resumed ${results.length} backfill(s).`);
      });
    });
}
