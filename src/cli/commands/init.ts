import type { Command } from 'commander';
import { initProject } from '../../project/init.js';
import { commandContext } from '../context.js';

/** `sluice init`: a config file, a migrations directory and an example migration. */
export function register(program: Command): void {
  program
    .command('init')
    .description('create sluice.config.ts, migrations/ and an example migration')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      const { created, skipped } = initProject({ dir: ctx.options.dir });
      ctx.out.result({ created, skipped });
      for (const f of created) ctx.out.line(`created ${f}`);
      for (const f of skipped) ctx.out.line(`exists  ${f} (left as it is)`);
      ctx.out.line(
        'Next: `sluice up` applies the example migration to embedded PGlite; `sluice status` shows it.',
      );
    });
}
