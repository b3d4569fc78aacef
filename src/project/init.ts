/**
 * `sluice init` as a function: a config file, a migrations directory and an example migration,
 * each only where nothing exists yet.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_FILES } from '../config/load.js';
import { displayPath, newVersion } from '../migrations/source.js';
import { CONFIG_TEMPLATE, EXAMPLE_MIGRATION } from './templates.js';

/** Where {@link initProject} works. */
export interface InitOptions {
  /** The project directory. Default: the working directory. */
  cwd?: string;
  /** The migrations directory, relative to `cwd`. Default `migrations`. */
  dir?: string;
}

/** What {@link initProject} wrote, and what it left alone because it existed (paths as shown). */
export interface InitResult {
  created: string[];
  skipped: string[];
}

/**
 * Creates `sluice.config.ts` (unless a config file exists), the migrations directory and an
 * example migration in it (unless the directory exists). Never overwrites anything.
 *
 * @example
 * const { created } = initProject({ dir: 'db/migrations' });
 * // ['sluice.config.ts', 'db/migrations', 'db/migrations/20240101120000_create_notes.sql']
 */
export function initProject(options: InitOptions = {}): InitResult {
  const cwd = options.cwd ?? process.cwd();
  const created: string[] = [];
  const skipped: string[] = [];
  const existing = CONFIG_FILES.find((f) => existsSync(resolve(cwd, f)));
  if (existing) skipped.push(displayPath(resolve(cwd, existing)));
  else {
    const config = resolve(cwd, 'sluice.config.ts');
    writeFileSync(config, CONFIG_TEMPLATE, { flag: 'wx' });
    created.push(displayPath(config));
  }
  const dir = resolve(cwd, options.dir ?? 'migrations');
  if (existsSync(dir)) skipped.push(displayPath(dir));
  else {
    mkdirSync(dir, { recursive: true });
    const example = join(dir, `${newVersion()}_create_notes.sql`);
    writeFileSync(example, EXAMPLE_MIGRATION, { flag: 'wx' });
    created.push(displayPath(dir), displayPath(example));
  }
  return { created, skipped };
}
