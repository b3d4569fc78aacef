/**
 * Where configuration comes from on disk: the config file (or the `"sluice"` key of package.json)
 * and the `.env` file beside it.
 */
import { lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, errorMessage } from '../errors.js';

/** The config file names looked for, in order. */
export const CONFIG_FILES = [
  'sluice.config.ts',
  'sluice.config.mts',
  'sluice.config.js',
  'sluice.config.mjs',
  'sluice.config.json',
];

/** A config found on disk. */
export interface ConfigSource {
  /** Absolute path of the file. */
  path: string;
  /** How the user knows it: the path as typed, or relative to the working directory. */
  shown: string;
  /** The key of the file that holds the config (`sluice` in package.json), if not the whole file. */
  key?: string;
}

/**
 * True when `path` is a file, false when nothing is there. Anything else there (a directory, a
 * dangling symlink) is an error: silently skipping it would run with defaults.
 */
function isFile(path: string, shown: string, noun: string, hint: string): boolean {
  const entry = lstatSync(path, { throwIfNoEntry: false });
  if (!entry) return false;
  const target = statSync(path, { throwIfNoEntry: false });
  if (target?.isFile()) return true;
  const what = target ? 'is not a file' : `is a symbolic link to ${readlinkSync(path)}, which does not exist`;
  throw new ConfigError(`${noun} ${shown} ${what}.`, { details: { file: shown, hint } });
}

const CONFIG_HINT = 'Point it (or --config) at the config file, or remove it.';

/**
 * True when package.json holds a `"sluice"` key. A package.json that is not valid JSON counts when
 * its text mentions `"sluice"`, so that loading it reports the syntax error instead of silently
 * running with the defaults.
 */
function hasSluiceKey(path: string): boolean {
  const text = readFileSync(path, 'utf8');
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, 'sluice');
  } catch {
    return text.includes('"sluice"');
  }
}

/**
 * The config of a working directory: `explicit` (--config) if given, else the one
 * `sluice.config.*` file or package.json `"sluice"` key there. Two of them is an error naming
 * both: which one wins would be a guess.
 */
export function findConfig(cwd: string, explicit?: string): ConfigSource | null {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!isFile(path, explicit, 'Config file', CONFIG_HINT)) {
      throw new ConfigError(`Config file ${explicit} does not exist.`, {
        details: { file: explicit, hint: 'Check the --config path, or run `sluice init` to create one.' },
      });
    }
    return basename(path) === 'package.json'
      ? { path, shown: explicit, key: 'sluice' }
      : { path, shown: explicit };
  }
  const found: ConfigSource[] = CONFIG_FILES.filter((name) =>
    isFile(resolve(cwd, name), name, 'Config file', CONFIG_HINT),
  ).map((name) => ({ path: resolve(cwd, name), shown: name }));
  const pkg = resolve(cwd, 'package.json');
  if (isFile(pkg, 'package.json', 'package.json', 'Remove it or make it a file.') && hasSluiceKey(pkg)) {
    found.push({ path: pkg, shown: 'package.json', key: 'sluice' });
  }
  if (found.length > 1) {
    const names = found.map((f) => (f.key ? `${f.shown} ("${f.key}" key)` : f.shown));
    throw new ConfigError(`Found ${found.length} configs: ${names.join(' and ')}; sluice reads only one.`, {
      details: {
        file: found[0]!.shown,
        hint: 'Merge them into one and delete the others, or choose one with --config.',
      },
    });
  }
  return found[0] ?? null;
}

/**
 * Loads an env file into `env` without overriding what is already set there (a variable set in
 * the real environment wins over the file). `explicit` (--env-file, relative to `cwd`) must exist;
 * the default `.env` in `root` may be absent. Returns the absolute path loaded, or null. Values are
 * never put in a message.
 *
 * @example
 * loadEnvFile({ root: '/app', cwd: '/app', env: process.env }); // reads /app/.env if it is there
 */
export function loadEnvFile(options: {
  root: string;
  cwd: string;
  explicit?: string;
  env: NodeJS.ProcessEnv;
}): string | null {
  const { root, cwd, explicit, env } = options;
  const path = explicit ? resolve(cwd, explicit) : resolve(root, '.env');
  const shown = explicit ?? (relative(cwd, path) || path);
  if (!isFile(path, shown, 'Env file', 'Point --env-file at a file of NAME=value lines.')) {
    if (explicit === undefined) return null;
    throw new ConfigError(`Env file ${explicit} does not exist.`, {
      details: {
        file: explicit,
        hint: 'Check the --env-file path (it is relative to the working directory).',
      },
    });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read env file ${shown}: ${errorMessage(cause)}`, {
      cause,
      details: { file: shown, hint: 'Make the file readable by this user.' },
    });
  }
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (env[key] === undefined && value !== undefined) env[key] = value;
  }
  return path;
}
