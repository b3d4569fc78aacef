import type { Command } from 'commander';
import { commandContext, withMigrator } from '../context.js';

/** `sluice accept <version>`: accept a deliberate change to an applied migration. */
export function register(program: Command): void {
  program
    .command('accept <version>')
    .description('accept a drifted migration (record its new checksum) or forget a deleted one')
    .action(async (version: string, _opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        const result = await m.accept(version);
        ctx.out.result(result);
        ctx.out.line(
          result.action === 'forgotten'
            ? `Forgot ${version}: its file was deleted.`
            : `Accepted the new checksum of ${version}.`,
        );
      });
    });
}
