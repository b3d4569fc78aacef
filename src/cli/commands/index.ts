import type { Command } from 'commander';

/** What a command module exports: the function that adds the command to the program. */
export interface CommandModule {
  register(program: Command): void;
}

/**
 * Every command, in the order `--help` lists them, each loaded only when asked for: a cold
 * `sluice status` must not load (parse, compile) the online engine, the linter and every other
 * command's code.
 */
export const commands: Readonly<Record<string, () => Promise<CommandModule>>> = {
  init: () => import('./init.js'),
  new: () => import('./new.js'),
  up: () => import('./up.js'),
  down: () => import('./down.js'),
  status: () => import('./status.js'),
  history: () => import('./history.js'),
  baseline: () => import('./baseline.js'),
  import: () => import('./import.js'),
  accept: () => import('./accept.js'),
  plan: () => import('./plan.js'),
  lint: () => import('./lint.js'),
  complete: () => import('./complete.js'),
  abort: () => import('./abort.js'),
  schema: () => import('./schema.js'),
  backfill: () => import('./backfill.js'),
};

/** Global options that take a value: their value is never the command's name. */
const VALUE_OPTIONS = new Set(['--config', '--url', '--dir', '--env-file', '--env']);

/**
 * The command an argv names, when it names exactly one known command; `undefined` for help, an
 * unknown command or none (then every command is registered, so help and errors list them all).
 *
 * @example
 * commandNamed(['node', 'sluice', '--dir', 'db', 'status']) // 'status'
 * commandNamed(['node', 'sluice', 'help', 'status'])        // undefined
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return undefined;
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    return Object.hasOwn(commands, arg) ? arg : undefined;
  }
  return undefined;
}

/**
 * Registers the command the argv names, or every command when it names none.
 *
 * @example
 * await registerCommands(program, process.argv);
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const named = commandNamed(argv);
  const loaders = named ? [commands[named] as () => Promise<CommandModule>] : Object.values(commands);
  for (const mod of await Promise.all(loaders.map((load) => load()))) mod.register(program);
}
