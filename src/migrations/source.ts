/**
 * Finds migration files in a directory: `<version>_<slug>.<ext>`, sorted by version.
 */
import { join, relative } from 'node:path';
import { MigrationFileError } from '../errors.js';
import { checksum } from './checksum.js';
import { readMigrationsDir, readMigrationText } from './read.js';
import type { MigrationFile, MigrationKind } from './types.js';

const EXTENSIONS: Record<string, MigrationKind> = { sql: 'sql', ts: 'ts', mts: 'ts', js: 'js', mjs: 'js' };
const NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_-]*)\.(sql|ts|mts|js|mjs)$/;

/**
 * Compares two versions numerically (they are digit strings of possibly different lengths).
 *
 * @example
 * ['10', '9'].sort(compareVersions) // ['9', '10']
 */
export function compareVersions(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Shows a path relative to the working directory when it is inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * `displayPath(join(dir, entry))` for the entries of one directory, with `relative()` computed once
 * for the directory rather than once per file (it showed in the profile of a cold `status`).
 */
function displayPathsIn(dir: string): (entry: string) => string {
  const rel = relative(process.cwd(), dir);
  if (rel === '') return (entry) => entry;
  const shown = rel.startsWith('..') ? dir : rel;
  return (entry) => join(shown, entry);
}

/**
 * Lists the migrations in `dir`. Files that are not migrations by extension (README.md, .gitkeep)
 * are ignored; a `.sql`/`.ts`/`.js` file with a malformed name is an error, so a typo never
 * silently skips a migration. Files are read as strict UTF-8; see `read.ts` for the errors.
 *
 * @example
 * const files = listMigrations('migrations');
 */
export function listMigrations(dir: string): MigrationFile[] {
  const names = readMigrationsDir(dir, displayPath(dir));
  const files: MigrationFile[] = [];
  const seen = new Map<string, string>();
  const shownPath = displayPathsIn(dir);
  for (const entry of names) {
    if (entry.startsWith('.') || entry.endsWith('.d.ts')) continue;
    const ext = entry.slice(entry.lastIndexOf('.') + 1);
    if (!(ext in EXTENSIONS)) continue;
    const path = join(dir, entry);
    const shown = shownPath(entry);
    const m = NAME.exec(entry);
    if (!m) {
      throw new MigrationFileError(`Migration file ${shown} is not named <version>_<name>.${ext}.`, {
        details: {
          file: shown,
          hint: 'Rename it, e.g. 20240101120000_create_users.sql (`sluice new` makes such names).',
        },
      });
    }
    const version = m[1]!;
    // Versions compare numerically, so `1_a.sql` and `01_b.sql` would be the same version.
    const key = version.replace(/^0+(?=\d)/, '');
    const other = seen.get(key);
    if (other) {
      throw new MigrationFileError(`Two migrations have version ${version}: ${other} and ${entry}.`, {
        details: { file: shown, hint: 'Give one of them a new version (rename the file).' },
      });
    }
    seen.set(key, entry);
    const text = readMigrationText(path, shown);
    files.push({
      version,
      name: m[2]!,
      path: shown,
      kind: EXTENSIONS[ext]!,
      checksum: checksum(text),
      text,
    });
  }
  return files.sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * A new version: the current UTC time as `YYYYMMDDHHMMSS`.
 *
 * @example
 * newVersion(new Date('2024-01-02T03:04:05Z')) // '20240102030405'
 */
export function newVersion(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
