/**
 * argv → command → exit code. The only place that maps errors to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { maskSecrets } from '../config/url.js';
import { SluiceError } from '../errors.js';
import { registerCommands } from './commands/index.js';
import { createOutput } from './output.js';
import { VERSION } from './version.js';

/**
 * Runs the CLI and returns the exit code (0 done, 1 failed, 2 bad usage/config/file, 3 refused).
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('sluice')
    .description('Safe schema migrations for PostgreSQL (embedded PGlite by default).')
    .version(VERSION, '-v, --version', 'print the version')
    .option(
      '--config <file>',
      'config file (default: sluice.config.{ts,mts,js,mjs,json} or the "sluice" key of package.json in the working directory)',
    )
    .option('--url <url>', 'database URL (overrides DATABASE_URL and the config)')
    .option('--dir <dir>', 'migrations directory (overrides the config)')
    .option('--env-file <file>', 'env file to load instead of .env (never overrides the real environment)')
    .option('--env <name>', 'apply this block of the config\'s "environments" (default: SLUICE_ENV)')
    .option('--json', 'machine-readable output on stdout (progress on stderr as JSON lines)')
    .option('--verbose', 'also print each statement as it runs, with its duration (stderr)')
    .option('-q, --quiet', 'print nothing on stderr but errors (results on stdout stay)')
    .option('-y, --yes', 'answer yes to confirmations (needed for down when not on a terminal)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({
    // commander quotes the arguments it rejects (`too many arguments`, an unknown command): a URL
    // typed in the wrong place must come out masked like everything else.
    writeErr: (s) => process.stderr.write(maskSecrets(s)),
    writeOut: (s) => process.stdout.write(s),
  });
  try {
    await registerCommands(program, argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    const json = argv.includes('--json');
    createOutput(json).error(error);
    return error instanceof SluiceError ? error.exitCode : 1;
  }
}
