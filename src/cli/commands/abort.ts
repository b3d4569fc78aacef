import type { Command } from 'commander';
import { commandContext, withMigrator } from '../context.js';

/** `sluice abort`: roll the active online migration back (idempotent). */
export function register(program: Command): void {
  program
    .command('abort')
    .description('roll the active online migration back, leaving the old schema exactly as it was')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        const version = await m.abort();
        ctx.out.result({ aborted: version });
        ctx.out.line(version ? `Aborted the online migration ${version}.` : 'No online migration to abort.');
      });
    });
}
