/**
 * What every command gets: parsed global options, the output, and a migrator built from them.
 */
import type { Command } from 'commander';
import type { ConfigOverrides } from '../config/load.js';
import { type ExitCode, UsageError } from '../errors.js';
import { displayPath } from '../migrations/source.js';
import { createMigrator, type Migrator, type RunResult } from '../runner/migrator.js';
import { createOutput, type Output, type Verbosity } from './output.js';

export interface GlobalOptions {
  config?: string;
  url?: string;
  dir?: string;
  envFile?: string;
  env?: string;
  json?: boolean;
  yes?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

export interface CommandContext {
  options: GlobalOptions & Record<string, unknown>;
  out: Output;
  /** Creates the migrator (config is loaded here, so config errors surface as exit 2). */
  migrator(overrides?: Partial<ConfigOverrides>): Promise<Migrator>;
  /**
   * Ends a command that printed its result but did not succeed (`lint` found errors, `status
   * --check` found work) with this exit code. Errors are thrown instead.
   */
  exit(code: ExitCode): void;
}

/** The config overrides the global options make (for library calls that load the config themselves: lint, new). */
export function configOverrides(options: GlobalOptions): ConfigOverrides {
  return {
    config: options.config,
    url: options.url,
    dir: options.dir,
    envFile: options.envFile,
    environment: options.env,
  };
}

/** Builds the context of an action from commander's command object. */
export function commandContext(cmd: Command): CommandContext {
  const options = cmd.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
  const level = verbosity(options);
  const out = createOutput(Boolean(options.json), level);
  let made: Migrator | undefined;
  return {
    options,
    out,
    migrator: async (extra = {}) => {
      made = await createMigrator({
        overrides: { ...configOverrides(options), ...extra },
        onEvent: (e) => out.event(e),
        statementEvents: level === 'verbose',
      });
      for (const note of made.config.notes) out.note(note);
      if (made.config.defaultDatabase) {
        out.note(
          `No database configured: using embedded PGlite at ${displayPath(made.config.target.kind === 'pglite' ? (made.config.target.dataDir ?? '') : '')} (set --url, DATABASE_URL in the environment or .env, or "database" in the config to use a server).`,
        );
      }
      return made;
    },
    exit: (code) => {
      // main() returns it once the command's action has finished.
      process.exitCode = code;
    },
  };
}

/** `--verbose` or `--quiet` (not both). */
export function verbosity(options: GlobalOptions): Verbosity {
  if (options.verbose && options.quiet)
    throw new UsageError('--verbose and --quiet cannot be used together.');
  return options.quiet ? 'quiet' : options.verbose ? 'verbose' : 'normal';
}

/** Runs an action with a migrator, closing it afterwards. */
export async function withMigrator<T>(
  ctx: CommandContext,
  fn: (m: Migrator) => Promise<T>,
  overrides?: Partial<ConfigOverrides>,
): Promise<T> {
  const m = await ctx.migrator(overrides);
  try {
    return await fn(m);
  } finally {
    await m.close();
  }
}

/**
 * Prints what `up` or `down` did: the script of a dry run, or a summary line; `--json` gets the
 * migrations (with durations in whole ms) under `key`.
 */
export function printRun(
  ctx: CommandContext,
  result: RunResult,
  key: 'applied' | 'reverted',
  summary: (n: number) => string,
): void {
  const migrations = result.migrations.map(({ version, name, durationMs }) => ({
    version,
    name,
    durationMs: Math.round(durationMs),
  }));
  if (result.script !== undefined) {
    ctx.out.line(result.script.trimEnd());
    ctx.out.result({
      dryRun: true,
      migrations,
      sql: result.script,
      findings: result.findings ?? [],
      ...(result.online ? { online: result.online } : {}),
    });
    return;
  }
  ctx.out.line(summary(migrations.length));
  ctx.out.result({ [key]: migrations });
}
