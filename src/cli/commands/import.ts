import type { Command } from 'commander';
import { FOREIGN_TOOLS } from '../../runner/foreign-history.js';
import { commandContext, withMigrator } from '../context.js';

/** `sluice import --from <tool>`: take over another migration tool's history. */
export function register(program: Command): void {
  program
    .command('import')
    .description(
      `record what another tool applied as applied, without running it (${FOREIGN_TOOLS.join(', ')})`,
    )
    .requiredOption('--from <tool>', `the tool whose history to take over: ${FOREIGN_TOOLS.join(', ')}`)
    .action(async (opts: { from: string }, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        const result = await m.importFrom(opts.from);
        ctx.out.result(result);
        ctx.out.line(
          `Imported ${result.imported.length} migration(s) from ${result.tool} (${result.table})${result.already.length > 0 ? `; ${result.already.length} were already in sluice's history` : ''}.`,
        );
        for (const e of result.imported) ctx.out.line(`  imported ${e.version}  ${e.name}`);
        for (const ref of result.unmatched) {
          ctx.out.note(
            `warning ${result.tool} applied ${ref}, which matches no migration file: nothing recorded for it.`,
          );
        }
      });
    });
}
