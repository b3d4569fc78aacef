import type { Command } from 'commander';
import { RefusedError } from '../../errors.js';
import { type CommandContext, commandContext, printRun, withMigrator } from '../context.js';
import { confirmTyped } from '../prompt.js';

/** Says so when `-N` asks for more migrations than are applied, rather than revert fewer silently. */
function noteShort(ctx: CommandContext, target: string | undefined, count: number): void {
  const asked = /^-(\d+)$/.exec(target ?? '');
  if (asked && Number(asked[1]) > count) {
    ctx.out.note(`Asked to revert ${asked[1]} migration(s), but only ${count} can be: reverting ${count}.`);
  }
}

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
          noteShort(ctx, target, plan.length);
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
        if (opts.dryRun) noteShort(ctx, target, result.migrations.length);
        printRun(ctx, result, 'reverted', (n) => `Reverted ${n} migration(s).`);
      });
    });
}
