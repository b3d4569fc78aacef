/**
 * Finds migration files in a directory (`<version>_<slug>.<ext>`, or another tool's layout), sorted
 * by version. A version is a `YYYYMMDDHHMMSS` UTC timestamp (made by `sluice new`) or a sequence
 * number (any other number of digits); one directory uses one of the two.
 */
import { join, relative } from 'node:path';
import { MigrationFileError } from '../errors.js';
import { checksum } from './checksum.js';
import { layoutCandidates, type MigrationLayout, TIMESTAMP_DIGITS } from './layouts.js';
import { readMigrationsDir, readMigrationText } from './read.js';
import type { MigrationFile } from './types.js';

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
 * Lists the migrations in `dir`, read as `layout` lays them out (see `layouts.ts`). Files that are
 * not migrations by extension (README.md, .gitkeep) are ignored; a file with a malformed name is an
 * error, so a typo never silently skips a migration. Files are read as strict UTF-8; see `read.ts`
 * for the errors.
 *
 * @example
 * const files = listMigrations('migrations');
 * const prisma = listMigrations('prisma/migrations', 'prisma');
 */
export function listMigrations(dir: string, layout: MigrationLayout = 'sluice'): MigrationFile[] {
  const names = readMigrationsDir(dir, displayPath(dir));
  const files: MigrationFile[] = [];
  const seen = new Map<string, string>();
  const shownPath = displayPathsIn(dir);
  for (const c of layoutCandidates(layout, names, { dir, shown: shownPath })) {
    const { entry } = c;
    const shown = shownPath(entry);
    const path = join(dir, entry);
    // Versions compare numerically, so `1_a.sql` and `01_b.sql` would be the same version.
    const key = c.version.replace(/^0+(?=\d)/, '');
    const other = seen.get(key);
    if (other) {
      throw new MigrationFileError(`Two migrations have version ${c.version}: ${other} and ${entry}.`, {
        details: { file: shown, hint: 'Give one of them a new version (rename the file).' },
      });
    }
    seen.set(key, entry);
    const text = readMigrationText(path, shown);
    files.push({
      version: c.version,
      name: c.name,
      path: shown,
      kind: c.kind,
      checksum: checksum(text),
      text,
      ...(c.plain ? { plain: true } : {}),
    });
  }
  files.sort((a, b) => compareVersions(a.version, b.version));
  assertOneScheme(files);
  return files;
}

/**
 * A directory's versions are all timestamps or all sequence numbers. Mixed, a shortened
 * timestamp (`2025_x.sql` among `20250101…` files) would sort before every other migration and
 * run first; so the files of the smaller group are named as the error.
 */
function assertOneScheme(files: MigrationFile[]): void {
  const stamped = files.filter((f) => f.version.length === TIMESTAMP_DIGITS);
  const numbered = files.filter((f) => f.version.length !== TIMESTAMP_DIGITS);
  if (stamped.length === 0 || numbered.length === 0) return;
  const odd = numbered.length <= stamped.length ? numbered : stamped;
  const usual = odd === numbered ? 'YYYYMMDDHHMMSS timestamps (what `sluice new` makes)' : 'sequence numbers';
  throw new MigrationFileError(
    `Migration versions mix timestamps and sequence numbers: ${odd.map((f) => f.path).join(', ')} ${odd.length === 1 ? 'does' : 'do'} not use ${usual} like the other ${files.length - odd.length} file(s).`,
    {
      details: {
        file: odd[0]!.path,
        hint: 'Rename the file(s) to the scheme of the others; one directory uses one scheme, so versions sort in the order they were written.',
      },
    },
  );
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

/**
 * The next version in a directory whose migrations are numbered in sequence (`0001_`, `0002_`),
 * zero-padded like them; null when the directory uses timestamps or has no migrations yet, so
 * `sluice new` keeps a directory to one scheme.
 *
 * @example
 * nextSequence(['0001', '0002']) // '0003'
 * nextSequence(['20240102030405']) // null
 */
export function nextSequence(versions: readonly string[]): string | null {
  const numbers = versions.filter((v) => /^\d+$/.test(v));
  if (numbers.length === 0 || numbers.some((v) => v.length === TIMESTAMP_DIGITS)) return null;
  // Fewer than 14 digits: exact as a Number.
  const next = String(Math.max(...numbers.map(Number)) + 1);
  const padded = numbers.some((v) => v.length > 1 && v.startsWith('0'));
  return padded ? next.padStart(Math.max(...numbers.map((v) => v.length)), '0') : next;
}
