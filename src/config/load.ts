/**
 * Finds, loads and validates the config file, then applies env and flags over it.
 * Precedence: flags > environment (`DATABASE_URL`) > config file > defaults.
 */
import { lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, errorMessage } from '../errors.js';
import { DEFAULT_MIGRATIONS_DIRS, type MigrationLayout } from '../migrations/layouts.js';
import { DEFAULT_RETRY_POLICY } from '../retry.js';
import { parseDuration, type SluiceConfig, type TransactionMode } from './define.js';
import { type DatabaseTarget, maskSecrets, parseDatabaseUrl } from './url.js';

/** The config file names looked for, in order. */
export const CONFIG_FILES = [
  'sluice.config.ts',
  'sluice.config.mts',
  'sluice.config.js',
  'sluice.config.mjs',
  'sluice.config.json',
];

/** What the command line (or a library caller) overrides. */
export interface ConfigOverrides {
  /** Explicit config file path. */
  config?: string;
  url?: string;
  dir?: string;
  outOfOrder?: boolean;
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
  lint: { pgVersion?: number; rules: Record<string, 'off' | 'warning' | 'error'> };
}

const KNOWN_KEYS = new Set([
  'database',
  'migrations',
  'layout',
  'historyTable',
  'historySchema',
  'transaction',
  'lockTimeout',
  'lockRetries',
  'lockRetryBudget',
  'statementTimeout',
  'lockWait',
  'outOfOrder',
  'lint',
]);

async function validate(raw: unknown, file: string): Promise<SluiceConfig> {
  // zod is loaded only when there is a config file to check.
  const { z } = await import('zod');
  const duration = z.union([
    z.number().nonnegative(),
    z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|sec|m|min|h)?\s*$/i),
  ]);
  const schema = z
    .object({
      database: z.string().min(1).optional(),
      migrations: z.string().min(1).optional(),
      layout: z.enum(['sluice', 'dbmate', 'prisma', 'flyway']).optional(),
      historyTable: z.string().min(1).max(63).optional(),
      historySchema: z.string().min(1).max(63).optional(),
      transaction: z.enum(['each', 'all', 'none']).optional(),
      lockTimeout: duration.optional(),
      lockRetries: z.number().int().min(0).max(1000).optional(),
      lockRetryBudget: duration.optional(),
      statementTimeout: duration.optional(),
      lockWait: duration.optional(),
      outOfOrder: z.boolean().optional(),
      lint: z
        .object({
          pgVersion: z.number().int().min(9).max(30).optional(),
          rules: z.record(z.string(), z.enum(['off', 'warning', 'error'])).optional(),
        })
        .strict()
        .optional(),
    })
    .strict();
  const result = schema.safeParse(raw);
  if (result.success) return result.data as SluiceConfig;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  const unknown = issue.code === 'unrecognized_keys' ? ` Known keys: ${[...KNOWN_KEYS].join(', ')}.` : '';
  throw new ConfigError(`Invalid config ${file}: ${where}: ${issue.message}.${unknown}`, {
    details: { file, hint: 'Fix the value in the config file; see the README section "Configuration".' },
  });
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

/**
 * True when `path` is a config file, false when nothing is there. Anything else there (a
 * directory, a dangling symlink) is an error: silently skipping it would run with defaults.
 */
function isConfigFile(path: string, shown: string): boolean {
  const entry = lstatSync(path, { throwIfNoEntry: false });
  if (!entry) return false;
  const target = statSync(path, { throwIfNoEntry: false });
  if (target?.isFile()) return true;
  const what = target ? 'is not a file' : `is a symbolic link to ${readlinkSync(path)}, which does not exist`;
  throw new ConfigError(`Config file ${shown} ${what}.`, {
    details: { file: shown, hint: 'Point it (or --config) at the config file, or remove it.' },
  });
}

function findConfig(cwd: string, explicit?: string): string | null {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!isConfigFile(path, explicit)) {
      throw new ConfigError(`Config file ${explicit} does not exist.`, {
        details: { file: explicit, hint: 'Check the --config path, or run `sluice init` to create one.' },
      });
    }
    return path;
  }
  for (const name of CONFIG_FILES) {
    const path = resolve(cwd, name);
    if (isConfigFile(path, name)) return path;
  }
  return null;
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
 * Loads the configuration for a working directory.
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
  let configFile: string | null = null;
  let file: SluiceConfig = options.config ?? {};
  if (!options.config) {
    configFile = findConfig(cwd, overrides.config);
    if (configFile) {
      const shown = relative(cwd, configFile) || configFile;
      file = await validate(await readConfigFile(configFile, shown), shown);
    }
  }
  const root = configFile ? dirname(configFile) : cwd;
  const url = overrides.url ?? (env.DATABASE_URL || undefined) ?? file.database;
  const defaultDatabase = url === undefined;
  const target: DatabaseTarget =
    url === undefined ? { kind: 'pglite', dataDir: resolve(root, '.sluice/db') } : parseDatabaseUrl(url);
  if (target.kind === 'pglite' && target.dataDir && !isAbsolute(target.dataDir)) {
    target.dataDir = resolve(url === file.database ? root : cwd, target.dataDir);
  }
  const migrationsDir = overrides.dir
    ? resolve(cwd, overrides.dir)
    : resolve(root, file.migrations ?? DEFAULT_MIGRATIONS_DIRS[file.layout ?? 'sluice']);
  return {
    configFile,
    root,
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
    lint: { pgVersion: file.lint?.pgVersion, rules: file.lint?.rules ?? {} },
  };
}
