import type { Command } from 'commander';
import { commandContext, withMigrator } from '../context.js';

/** `sluice baseline <version>`: mark migrations as applied without running them. */
export function register(program: Command): void {
  program
    .command('baseline <version>')
    .description('mark every migration up to <version> as applied without running it')
    .action(async (version: string, _opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        const marked = await m.baseline(version);
        ctx.out.result({ baselined: marked.map((e) => ({ version: e.version, name: e.name })) });
        ctx.out.line(`Marked ${marked.length} migration(s) as applied, up to ${version}.`);
      });
    });
}
