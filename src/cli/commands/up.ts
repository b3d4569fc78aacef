import type { Command } from 'commander';
import { commandContext, printRun, withMigrator } from '../context.js';

/** `sluice up [target]`: apply pending migrations. */
export function register(program: Command): void {
  program
    .command('up [target]')
    .description('apply pending migrations: head (default), +N, or everything up to a version')
    .option('--dry-run', 'print the SQL that would run, with transaction boundaries; change nothing')
    .option('--allow-out-of-order', 'apply pending migrations older than the newest applied one')
    .option('--allow-unsafe', 'apply even when the linter finds unacknowledged unsafe statements')
    .action(
      async (
        target: string | undefined,
        opts: { dryRun?: boolean; allowOutOfOrder?: boolean; allowUnsafe?: boolean },
        cmd: Command,
      ) => {
        const ctx = commandContext(cmd);
        await withMigrator(ctx, async (m) => {
          const result = await m.up(target, {
            dryRun: opts.dryRun,
            allowOutOfOrder: opts.allowOutOfOrder,
            allowUnsafe: opts.allowUnsafe,
          });
          printRun(ctx, result, 'applied', (n) =>
            n === 0 ? 'Nothing to apply: the database is up to date.' : `Applied ${n} migration(s).`,
          );
        });
      },
    );
}
