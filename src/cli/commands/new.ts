import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { UsageError } from '../../errors.js';
import { migrationsDirError, readMigrationsDir } from '../../migrations/read.js';
import { displayPath, newVersion, nextSequence } from '../../migrations/source.js';
import { commandContext, configOverrides } from '../context.js';
import { SQL_TEMPLATE, TS_TEMPLATE } from '../templates.js';

/** Turns a free-form name into a file slug. */
export function slugify(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

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
      const slug = slugify(name);
      if (!slug)
        throw new UsageError(
          `Invalid migration name "${name}": use letters and digits, e.g. add_users_email.`,
        );
      const config = await loadConfig({ overrides: configOverrides(ctx.options) });
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
        readMigrationsDir(config.migrationsDir, displayPath(config.migrationsDir)).map(
          (f) => f.split('_')[0],
        ),
      );
      // Two `new` in the same second get distinct versions.
      let when = Date.now();
      while (taken.has(newVersion(new Date(when)))) when += 1000;
      // A directory numbered in sequence stays so (mixing the two schemes is an error).
      const version = nextSequence([...taken].filter((v) => v !== undefined)) ?? newVersion(new Date(when));
      const ext = opts.ts ? 'ts' : 'sql';
      const path = join(config.migrationsDir, `${version}_${slug}.${ext}`);
      if (existsSync(path)) throw new UsageError(`${displayPath(path)} already exists.`);
      writeFileSync(path, ext === 'ts' ? TS_TEMPLATE : SQL_TEMPLATE, { flag: 'wx' });
      ctx.out.result({ path: displayPath(path) });
      ctx.out.line(displayPath(path));
    });
}
