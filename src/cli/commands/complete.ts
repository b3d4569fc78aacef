import type { Command } from 'commander';
import { commandContext, withMigrator } from '../context.js';

/** `sluice complete`: the contract phase of the active online migration. */
export function register(program: Command): void {
  program
    .command('complete')
    .description('complete the active online migration: validate, rename into place, drop the old shape')
    .option('--drop-old', 'also drop the old table kept after a blue-green swap')
    .action(async (opts: { dropOld?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        const version = await m.complete({ dropOld: opts.dropOld });
        ctx.out.result({ completed: version });
        ctx.out.line(
          version ? `Completed the online migration ${version}.` : 'No online migration is active.',
        );
      });
    });
}
