import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { newMigration } from '../../project/new-migration.js';
import { commandContext, configOverrides } from '../context.js';

/** `sluice new <name> [--sql|--ts]`: create an empty migration and print its path. */
export function register(program: Command): void {
  program
    .command('new <name>')
    .description('create a new migration file and print its path')
    .option('--sql', 'a SQL migration (default)')
    .option('--ts', 'a TypeScript migration')
    .action(async (name: string, opts: { sql?: boolean; ts?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd);
      if (opts.sql && opts.ts) throw new UsageError('Choose one of --sql and --ts.');
      const { path } = await newMigration(name, {
        kind: opts.ts ? 'ts' : 'sql',
        overrides: configOverrides(ctx.options),
      });
      ctx.out.result({ path });
      ctx.out.line(path);
    });
}
