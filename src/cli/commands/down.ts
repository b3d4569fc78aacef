import type { Command } from 'commander';
import { RefusedError } from '../../errors.js';
import { commandContext, printRun, withMigrator } from '../context.js';
import { confirmTyped } from '../prompt.js';

/** `sluice down [target]`: revert applied migrations, after confirmation. */
export function register(program: Command): void {
  program
    .command('down [target]')
    .description('revert migrations: -1 (default), -N, down to a version (it stays applied), or base')
    .option('--dry-run', 'print the SQL that would run, with transaction boundaries; change nothing')
    .action(async (target: string | undefined, opts: { dryRun?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        if (!opts.dryRun) {
          const plan = await m.planDown(target);
          if (plan.length === 0) {
            ctx.out.line('Nothing to roll back.');
            ctx.out.result({ reverted: [] });
            return;
          }
          ctx.out.note(
            `Will revert ${plan.length} migration(s), newest first:\n${plan.map((e) => `  ${e.version}_${e.name}`).join('\n')}`,
          );
          if (!ctx.options.yes) {
            const expected = target ?? '-1';
            if (!(await confirmTyped(`Type ${expected} to confirm the rollback`, expected))) {
              throw new RefusedError('unconfirmed', 'Rollback not confirmed: nothing was reverted.', {
                hint: 'On a terminal, type the target to confirm; elsewhere pass --yes.',
              });
            }
          }
        }
        const result = await m.down(target, { dryRun: opts.dryRun });
        printRun(ctx, result, 'reverted', (n) => `Reverted ${n} migration(s).`);
      });
    });
}
