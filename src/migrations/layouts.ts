/**
 * Where migrations of each supported layout live and how their names read. `sluice` and `dbmate`
 * share one format (`<version>_<name>.sql|ts|js`, dbmate's `-- migrate:up` markers); `prisma`
 * reads `<version>_<name>/migration.sql` folders and `flyway` reads `V<version>__<description>.sql`
 * files, in both cases taking the whole file as the up step (those tools have no down section).
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationFileError } from '../errors.js';
import type { MigrationKind } from './types.js';

/** How the migrations directory is laid out. */
export type MigrationLayout = 'sluice' | 'dbmate' | 'prisma' | 'flyway';

/** Each layout's migrations directory when the config names none (relative to the project root). */
export const DEFAULT_MIGRATIONS_DIRS: Record<MigrationLayout, string> = {
  sluice: 'migrations',
  dbmate: 'db/migrations',
  prisma: 'prisma/migrations',
  flyway: 'db/migration',
};

/** A migration found by name, before its text is read. */
export interface MigrationCandidate {
  version: string;
  name: string;
  /** Path of the file relative to the migrations directory (`20240101_init/migration.sql`). */
  entry: string;
  kind: MigrationKind;
  /** The whole file is the up step: no `-- migrate:up` markers, no down. */
  plain: boolean;
}

const EXTENSIONS: Record<string, MigrationKind> = { sql: 'sql', ts: 'ts', mts: 'ts', js: 'js', mjs: 'js' };
const NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_-]*)\.(sql|ts|mts|js|mjs)$/;
const PRISMA_FOLDER = /^(\d+)_(.+)$/;
const FLYWAY_NAME = /^V(\d+)__(.+)\.sql$/;

/** The migrations directory, and how an entry of it is shown in messages. */
interface Dir {
  dir: string;
  shown: (entry: string) => string;
}

function misnamed(entry: string, at: Dir, what: string, hint: string): MigrationFileError {
  return new MigrationFileError(`Migration file ${at.shown(entry)} ${what}.`, {
    details: { file: at.shown(entry), hint },
  });
}

/** `sluice new`'s versions: `YYYYMMDDHHMMSS`. Any other number of digits is a sequence number. */
export const TIMESTAMP_DIGITS = 14;

/**
 * Whether a 14-digit version is a real UTC date and time (month 13 or 25 o'clock is a typo).
 *
 * @example
 * isTimestamp('20240229120000') // true
 * isTimestamp('20230229120000') // false: 2023 is not a leap year
 */
export function isTimestamp(version: string): boolean {
  const at = (from: number, digits: number) => Number(version.slice(from, from + digits));
  const [y, mo, d, h, mi, s] = [at(0, 4), at(4, 2), at(6, 2), at(8, 2), at(10, 2), at(12, 2)];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  // Arithmetic, not `Date` (whose first use showed in a cold `status`); years below 100 stay
  // refused, as `Date.UTC` (which reads them as 19xx) refused them.
  return y >= 100 && d >= 1 && d <= days && h < 24 && mi < 60 && s < 60;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function sluiceCandidates(names: string[], at: Dir): MigrationCandidate[] {
  const out: MigrationCandidate[] = [];
  for (const entry of names) {
    if (entry.startsWith('.') || entry.endsWith('.d.ts')) continue;
    const ext = entry.slice(entry.lastIndexOf('.') + 1);
    if (!(ext.toLowerCase() in EXTENSIONS)) continue;
    if (!(ext in EXTENSIONS)) {
      // `.SQL` was silently skipped once: a migration that never runs is worse than an error.
      throw misnamed(
        entry,
        at,
        `has an upper-case extension .${ext}`,
        `Rename it to end in .${ext.toLowerCase()}.`,
      );
    }
    const m = NAME.exec(entry);
    if (!m) {
      throw misnamed(
        entry,
        at,
        `is not named <version>_<name>.${ext}`,
        'Rename it, e.g. 20240101120000_create_users.sql (`sluice new` makes such names).',
      );
    }
    const version = m[1]!;
    if (version.length === TIMESTAMP_DIGITS && !isTimestamp(version)) {
      throw misnamed(
        entry,
        at,
        `has version ${version}, which is not a UTC date and time YYYYMMDDHHMMSS`,
        'Rename it with a version made by `sluice new`.',
      );
    }
    out.push({ version, name: m[2]!, entry, kind: EXTENSIONS[ext]!, plain: false });
  }
  return out;
}

function prismaCandidates(names: string[], at: Dir): MigrationCandidate[] {
  const out: MigrationCandidate[] = [];
  for (const folder of names) {
    if (folder.startsWith('.') || !lstatSync(join(at.dir, folder)).isDirectory()) continue;
    const m = PRISMA_FOLDER.exec(folder);
    if (!m) {
      throw misnamed(
        folder,
        at,
        'is not named <timestamp>_<name>',
        'Prisma names migration folders like 20240101120000_init; rename it or move it out of the migrations directory.',
      );
    }
    const entry = join(folder, 'migration.sql');
    if (!lstatSync(join(at.dir, entry), { throwIfNoEntry: false })) {
      throw misnamed(
        entry,
        at,
        'does not exist',
        'Every Prisma migration folder holds a migration.sql; add it, or remove the empty folder.',
      );
    }
    out.push({ version: m[1]!, name: m[2]!, entry, kind: 'sql', plain: true });
  }
  return out;
}

/** Flyway: versioned `V<n>__<description>.sql` only; repeatable (`R__`) and undo (`U`) scripts are refused, never skipped. */
function flywayCandidates(names: string[], at: Dir): MigrationCandidate[] {
  const out: MigrationCandidate[] = [];
  for (const entry of names) {
    if (entry.startsWith('.') || !entry.endsWith('.sql')) continue;
    const m = FLYWAY_NAME.exec(entry);
    if (m) {
      out.push({ version: m[1]!, name: m[2]!, entry, kind: 'sql', plain: true });
      continue;
    }
    const hint = /^R__/.test(entry)
      ? 'sluice does not run Flyway repeatable (R__) migrations: turn it into a versioned V<n>__ migration, or move it out of the directory.'
      : /^U\d/.test(entry)
        ? 'sluice does not run Flyway undo (U) migrations: move it out of the directory.'
        : /^V\d+[._]\d/.test(entry)
          ? 'sluice versions are whole numbers: rename it V<n>__<description>.sql with a number greater than the versions before it.'
          : 'Name it V<version>__<description>.sql, e.g. V1__create_users.sql.';
    throw misnamed(entry, at, 'is not named V<version>__<description>.sql', hint);
  }
  return out;
}

/**
 * The migrations of `names` (the entries of `at.dir`) for a layout. A file that looks like a
 * migration but is misnamed is an error, so a typo never silently skips a migration.
 *
 * @example
 * layoutCandidates('flyway', ['V1__init.sql'], { dir: 'db/migration', shown: (e) => e })
 * // [{ version: '1', name: 'init', entry: 'V1__init.sql', kind: 'sql', plain: true }]
 */
export function layoutCandidates(layout: MigrationLayout, names: string[], at: Dir): MigrationCandidate[] {
  if (layout === 'prisma') return prismaCandidates(names, at);
  if (layout === 'flyway') return flywayCandidates(names, at);
  return sluiceCandidates(names, at);
}
