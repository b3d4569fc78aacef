/**
 * Finds, loads and validates the config, then applies env and flags over it.
 * Precedence: flags > real environment > `.env` > the selected environment block of the config >
 * the rest of the config > defaults.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, errorMessage } from '../errors.js';
import { DEFAULT_MIGRATIONS_DIRS, type MigrationLayout } from '../migrations/layouts.js';
import { DEFAULT_RETRY_POLICY } from '../retry.js';
import { parseDuration, type SluiceConfig, type TransactionMode } from './define.js';
import { type ConfigSource, findConfig, loadEnvFile } from './find.js';
import { type DatabaseTarget, maskSecrets, parseDatabaseUrl } from './url.js';
import { validateConfig } from './validate.js';

export { CONFIG_FILES } from './find.js';

/** What the command line (or a library caller) overrides. */
export interface ConfigOverrides {
  /** Explicit config file path. */
  config?: string;
  url?: string;
  dir?: string;
  outOfOrder?: boolean;
  /** An env file to load instead of `.env` (relative to the working directory); it must exist. */
  envFile?: string;
  /** The block of the config's `environments` to apply (default: `SLUICE_ENV`). */
  environment?: string;
}

/** A complete configuration: every default filled in, every path absolute, every duration in ms. */
/**
 * How long sluice's DDL waits for a table lock by default. Every query on the table queues behind
 * a waiting DDL statement, so the wait is kept short and retried instead (see `retry.ts`).
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 250;

export interface ResolvedConfig {
  /** Where the config came from (absolute path), or null when none was found. */
  configFile: string | null;
  /** The project root: the config file's directory, else the working directory. */
  root: string;
  /** The env file loaded (absolute path), or null when there was none. */
  envFile: string | null;
  /** The block of the config's `environments` applied, or null. */
  environment: string | null;
  /** Things the user should know about how the config was resolved (the CLI prints them). */
  notes: string[];
  target: DatabaseTarget;
  /** True when no database was configured and embedded PGlite was chosen. */
  defaultDatabase: boolean;
  migrationsDir: string;
  layout: MigrationLayout;
  historyTable: string;
  historySchema: string;
  transaction: TransactionMode;
  lockTimeoutMs: number;
  lockRetries: number;
  /** Lock-timeout retries stop once this much time has passed (ms). */
  lockRetryBudgetMs: number;
  statementTimeoutMs: number;
  lockWaitMs: number;
  outOfOrder: boolean;
  lint: { pgVersion?: number; rules: Record<string, 'off' | 'warning' | 'error'>; startAfter?: string };
}

function lineOfOffset(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/**
 * V8's JSON.parse message without the text it quotes (`Unexpected token 'p', ..."abase": po"... is
 * not valid JSON`), which may hold a password, and the offset of the error where it can be told:
 * `at position N`, or the 10 characters of context V8 shows before the bad token.
 */
function jsonSyntaxError(text: string, message: string): { reason: string; offset?: number } {
  const position = /^(.*) in JSON at position (\d+)/.exec(message);
  if (position) return { reason: position[1]!, offset: Number(position[2]) };
  const quoted = /^(Unexpected token)\b.*?, (\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON$/.exec(
    message,
  );
  if (quoted) {
    const at = text.indexOf(quoted[3]!);
    return { reason: quoted[1]!, offset: quoted[2] && at !== -1 ? at + 10 : undefined };
  }
  return { reason: message.includes('"') ? 'the file is not valid JSON' : message };
}

async function readConfigFile(path: string, shown: string): Promise<unknown> {
  if (path.endsWith('.json')) {
    const text = readFileSync(path, 'utf8');
    try {
      return JSON.parse(text);
    } catch (cause) {
      const { reason, offset } = jsonSyntaxError(text, (cause as Error).message);
      const line = offset === undefined ? undefined : lineOfOffset(text, offset);
      // No `cause`: V8's message quotes the text around the error, which may be a password.
      throw new ConfigError(`Invalid JSON in ${shown}${line ? ` at line ${line}` : ''}: ${reason}.`, {
        details: { file: shown, line, hint: 'Fix the JSON syntax.' },
      });
    }
  }
  try {
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, { moduleCache: false, alias: { sluice: sluiceEntry() } });
    const mod = await jiti.import<Record<string, unknown>>(path);
    return mod.default ?? mod;
  } catch (cause) {
    // The message may quote the config's text (a URL in a thrown error): masked here, at the source.
    throw new ConfigError(`Cannot load config ${shown}: ${maskSecrets(errorMessage(cause))}`, {
      cause,
      details: {
        file: shown,
        hint: 'Fix the error in the config file; it must `export default defineConfig({...})`.',
      },
    });
  }
}

/** The path of sluice's own entry point, so config and migration files can `import from 'sluice'`. */
export function sluiceEntry(): string {
  return new URL('../index.js', import.meta.url).pathname;
}

function duration(
  value: SluiceConfig['lockTimeout'],
  fallback: number,
  key: string,
  file: string | null,
): number {
  if (value === undefined) return fallback;
  try {
    return parseDuration(value);
  } catch (cause) {
    throw new ConfigError(`Invalid ${key} in ${file ?? 'config'}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Loads the configuration for a working directory. The `.env` of the project root (or
 * `overrides.envFile`) is loaded into `env` (default `process.env`) first, never overriding a
 * variable already set there.
 *
 * @example
 * const config = await loadConfig({ cwd: process.cwd(), overrides: { url: 'pglite:memory' } });
 */
export async function loadConfig(
  options: { cwd?: string; overrides?: ConfigOverrides; env?: NodeJS.ProcessEnv; config?: SluiceConfig } = {},
): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const overrides = options.overrides ?? {};
  const source = options.config ? null : findConfig(cwd, overrides.config);
  const root = source ? dirname(source.path) : cwd;
  // Before the config is evaluated: a sluice.config.ts may read process.env.
  const hadUrl = env.DATABASE_URL !== undefined;
  const envFile = loadEnvFile({ root, cwd, explicit: overrides.envFile, env });
  const shown = source?.shown ?? 'the config';
  const whole = source ? await readConfig(source) : (options.config ?? {});
  const environment = overrides.environment ?? (env.SLUICE_ENV || undefined);
  const file = selectEnvironment(whole, environment, overrides.environment ? '--env' : 'SLUICE_ENV', shown);
  const url = overrides.url ?? (env.DATABASE_URL || undefined) ?? file.database;
  const envShown = envFile && (relative(cwd, envFile) || envFile);
  const from =
    overrides.url !== undefined
      ? '--url'
      : env.DATABASE_URL
        ? `DATABASE_URL${hadUrl ? '' : ` in ${envShown}`}`
        : `"database" in ${shown}${environment ? ` (environment ${environment})` : ''}`;
  const notes: string[] = [];
  if (
    environment &&
    overrides.url === undefined &&
    env.DATABASE_URL &&
    whole.environments?.[environment]?.database
  ) {
    // The documented order, but easy to miss: a DATABASE_URL left in a shell or .env would send
    // `--env production` to another database.
    notes.push(`${from} overrides "database" of environment "${environment}" in ${shown}.`);
  }
  const defaultDatabase = url === undefined;
  const target: DatabaseTarget =
    url === undefined ? { kind: 'pglite', dataDir: resolve(root, '.sluice/db') } : databaseTarget(url, from);
  if (target.kind === 'pglite' && target.dataDir && !isAbsolute(target.dataDir)) {
    target.dataDir = resolve(url === file.database ? root : cwd, target.dataDir);
  }
  const migrationsDir = overrides.dir
    ? resolve(cwd, overrides.dir)
    : resolve(root, file.migrations ?? DEFAULT_MIGRATIONS_DIRS[file.layout ?? 'sluice']);
  const configFile = source?.path ?? null;
  return {
    configFile,
    root,
    envFile,
    environment: environment ?? null,
    notes,
    target,
    defaultDatabase,
    migrationsDir,
    layout: file.layout ?? 'sluice',
    historyTable: file.historyTable ?? 'sluice_migrations',
    historySchema: file.historySchema ?? 'public',
    transaction: file.transaction ?? 'each',
    lockTimeoutMs: duration(file.lockTimeout, DEFAULT_LOCK_TIMEOUT_MS, 'lockTimeout', configFile),
    lockRetries: file.lockRetries ?? DEFAULT_RETRY_POLICY.retries,
    lockRetryBudgetMs: duration(
      file.lockRetryBudget,
      DEFAULT_RETRY_POLICY.budgetMs,
      'lockRetryBudget',
      configFile,
    ),
    statementTimeoutMs: duration(file.statementTimeout, 0, 'statementTimeout', configFile),
    lockWaitMs: duration(file.lockWait, 300_000, 'lockWait', configFile),
    outOfOrder: overrides.outOfOrder ?? file.outOfOrder ?? false,
    lint: {
      pgVersion: file.lint?.pgVersion,
      rules: file.lint?.rules ?? {},
      startAfter: file.lint?.startAfter,
    },
  };
}

/** Reads and validates a config file (or its `"sluice"` key). */
async function readConfig(source: ConfigSource): Promise<SluiceConfig> {
  const raw = await readConfigFile(source.path, source.shown);
  if (!source.key) return validateConfig(raw, source.shown);
  return validateConfig((raw as Record<string, unknown>)[source.key], `${source.shown} "${source.key}"`);
}

/**
 * The config with the block of `environments` named `name` laid over its top-level keys (each key
 * of the block replaces the top-level one). An unknown name is an error listing the known ones.
 */
function selectEnvironment(
  config: SluiceConfig,
  name: string | undefined,
  from: string,
  shown: string,
): SluiceConfig {
  const { environments = {}, ...base } = config;
  if (name === undefined) return base;
  if (!Object.hasOwn(environments, name)) {
    const known = Object.keys(environments);
    throw new ConfigError(
      `Unknown environment "${name}" (${from}): ${shown} defines ${known.length > 0 ? known.map((k) => `"${k}"`).join(', ') : 'no environments'}.`,
      {
        details: {
          hint:
            known.length > 0
              ? `Use one of ${known.join(', ')}, or add "${name}" under "environments" in ${shown}.`
              : `Add an "environments": { "${name}": { … } } block to ${shown}, or unset ${from}.`,
        },
      },
    );
  }
  const block = environments[name]!;
  if (Object.hasOwn(block, 'database') && block.database === undefined) {
    // `database: process.env.PROD_URL` with PROD_URL unset: running on the top-level database (or
    // embedded PGlite) instead would be a silent wrong target.
    throw new ConfigError(`Environment "${name}" in ${shown} sets "database" to undefined.`, {
      details: {
        hint: 'Set the variable it reads (in the environment or .env), or remove the key to use the top-level "database".',
      },
    });
  }
  return { ...base, ...block };
}

/** Parses the database URL, saying where a bad one came from (never its value from a .env). */
function databaseTarget(url: string, from: string): DatabaseTarget {
  try {
    return parseDatabaseUrl(url);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`${error.message.replace(/\.$/, '')} (from ${from}).`, {
      cause: error.cause,
      details: error.details,
    });
  }
}
