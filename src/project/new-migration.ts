/**
 * `sluice new` as a function: an empty migration file with the next free version, in the
 * project's migrations directory.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SluiceConfig } from '../config/define.js';
import { type ConfigOverrides, loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { migrationsDirError, readMigrationsDir } from '../migrations/read.js';
import { displayPath, newVersion, nextSequence } from '../migrations/source.js';
import { SQL_TEMPLATE, TS_TEMPLATE } from './templates.js';

/**
 * Turns a free-form name into a file slug.
 *
 * @example
 * slugify('Add users.email') // 'add_users_email'
 */
export function slugify(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Options of {@link newMigration}: the kind of file, and where the config comes from. */
export interface NewMigrationOptions {
  /** `sql` (default) or `ts`. */
  kind?: 'sql' | 'ts';
  cwd?: string;
  overrides?: ConfigOverrides;
  /** A config object instead of a config file. */
  config?: SluiceConfig;
}

/**
 * Creates an empty migration named after `name` and returns its path (as shown: relative to the
 * working directory when inside it). The version is the current UTC time, or the next number in
 * a directory numbered in sequence. Refuses (a {@link UsageError}) a name without letters or
 * digits, and the `prisma` and `flyway` layouts, whose files the tool names itself.
 *
 * @example
 * const { path } = await newMigration('add users email', { kind: 'ts' });
 * // 'migrations/20240101120000_add_users_email.ts'
 */
export async function newMigration(
  name: string,
  options: NewMigrationOptions = {},
): Promise<{ path: string }> {
  const slug = slugify(name);
  if (!slug)
    throw new UsageError(`Invalid migration name "${name}": use letters and digits, e.g. add_users_email.`);
  const config = await loadConfig({ cwd: options.cwd, overrides: options.overrides, config: options.config });
  if (config.layout === 'prisma' || config.layout === 'flyway') {
    throw new UsageError(`\`sluice new\` writes sluice's format, not the ${config.layout} layout.`, {
      hint: `Create the migration as ${config.layout} names it (${config.layout === 'prisma' ? '<timestamp>_<name>/migration.sql' : 'V<version>__<description>.sql'}) in ${displayPath(config.migrationsDir)}.`,
    });
  }
  try {
    mkdirSync(config.migrationsDir, { recursive: true });
  } catch (cause) {
    throw migrationsDirError(cause, displayPath(config.migrationsDir));
  }
  const taken = new Set(
    readMigrationsDir(config.migrationsDir, displayPath(config.migrationsDir)).map((f) => f.split('_')[0]),
  );
  // Two `new` in the same second get distinct versions.
  let when = Date.now();
  while (taken.has(newVersion(new Date(when)))) when += 1000;
  // A directory numbered in sequence stays so (mixing the two schemes is an error).
  const version = nextSequence([...taken].filter((v) => v !== undefined)) ?? newVersion(new Date(when));
  const ext = options.kind ?? 'sql';
  const path = join(config.migrationsDir, `${version}_${slug}.${ext}`);
  if (existsSync(path)) throw new UsageError(`${displayPath(path)} already exists.`);
  writeFileSync(path, ext === 'ts' ? TS_TEMPLATE : SQL_TEMPLATE, { flag: 'wx' });
  return { path: displayPath(path) };
}
