import type { Command } from 'commander';
import { SluiceError, UsageError } from '../../errors.js';
import { commandContext, withMigrator } from '../context.js';

/** `sluice schema [version] | --latest`: the version schema an application should put first in its search_path. */
export function register(program: Command): void {
  program
    .command('schema [version]')
    .description('print the version schema of an online migration (--latest: the newest that exists)')
    .option('--latest', 'the newest version schema in the database')
    .action(async (version: string | undefined, opts: { latest?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd);
      if (!opts.latest && !version) throw new UsageError('Give a version, or --latest.');
      await withMigrator(ctx, async (m) => {
        const schema = opts.latest ? await m.latestVersionSchema() : await m.versionSchema(version!);
        // Exit non-zero rather than print nothing: `DB_SCHEMA=$(sluice schema --latest)` in a
        // deploy script must not go on with an empty search_path entry.
        if (!schema) {
          throw new SluiceError(
            'no-version-schema',
            'No version schema exists: no online migration has run.',
            {
              details: {
                hint: 'Run an online migration with `sluice up` first, or leave the version schema out of the search_path.',
              },
            },
          );
        }
        ctx.out.result({ schema });
        ctx.out.line(schema);
      });
    });
}
