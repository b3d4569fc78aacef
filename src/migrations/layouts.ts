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
  /** Absolute (or as given) path of the file to read. */
  path: string;
  kind: MigrationKind;
  /** The whole file is the up step: no `-- migrate:up` markers, no down. */
  plain: boolean;
}

const EXTENSIONS: Record<string, MigrationKind> = { sql: 'sql', ts: 'ts', mts: 'ts', js: 'js', mjs: 'js' };
const NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_-]*)\.(sql|ts|mts|js|mjs)$/;
const PRISMA_FOLDER = /^(\d+)_(.+)$/;
const FLYWAY_NAME = /^V(\d+)__(.+)\.sql$/;

type Shown = (path: string) => string;

function misnamed(path: string, shown: Shown, what: string, hint: string): MigrationFileError {
  return new MigrationFileError(`Migration file ${shown(path)} ${what}.`, {
    details: { file: shown(path), hint },
  });
}

function sluiceCandidates(dir: string, names: string[], shown: Shown): MigrationCandidate[] {
  const out: MigrationCandidate[] = [];
  for (const entry of names) {
    if (entry.startsWith('.') || entry.endsWith('.d.ts')) continue;
    const ext = entry.slice(entry.lastIndexOf('.') + 1);
    if (!(ext in EXTENSIONS)) continue;
    const path = join(dir, entry);
    const m = NAME.exec(entry);
    if (!m) {
      throw misnamed(
        path,
        shown,
        `is not named <version>_<name>.${ext}`,
        'Rename it, e.g. 20240101120000_create_users.sql (`sluice new` makes such names).',
      );
    }
    out.push({ version: m[1]!, name: m[2]!, path, kind: EXTENSIONS[ext]!, plain: false });
  }
  return out;
}

/** Prisma: every folder `<timestamp>_<name>` holds a `migration.sql`; files beside them (migration_lock.toml) are not migrations. */
function prismaCandidates(dir: string, names: string[], shown: Shown): MigrationCandidate[] {
  const out: MigrationCandidate[] = [];
  for (const entry of names) {
    const folder = join(dir, entry);
    if (entry.startsWith('.') || !lstatSync(folder).isDirectory()) continue;
    const m = PRISMA_FOLDER.exec(entry);
    if (!m) {
      throw misnamed(
        folder,
        shown,
        'is not named <timestamp>_<name>',
        'Prisma names migration folders like 20240101120000_init; rename it or move it out of the migrations directory.',
      );
    }
    const path = join(folder, 'migration.sql');
    if (!lstatSync(path, { throwIfNoEntry: false })) {
      throw misnamed(
        path,
        shown,
        'does not exist',
        'Every Prisma migration folder holds a migration.sql; add it, or remove the empty folder.',
      );
    }
    out.push({ version: m[1]!, name: m[2]!, path, kind: 'sql', plain: true });
  }
  return out;
}

/** Flyway: versioned `V<n>__<description>.sql` only; repeatable (`R__`) and undo (`U`) scripts are refused, never skipped. */
function flywayCandidates(dir: string, names: string[], shown: Shown): MigrationCandidate[] {
  const out: MigrationCandidate[] = [];
  for (const entry of names) {
    if (entry.startsWith('.') || !entry.endsWith('.sql')) continue;
    const path = join(dir, entry);
    const m = FLYWAY_NAME.exec(entry);
    if (m) {
      out.push({ version: m[1]!, name: m[2]!, path, kind: 'sql', plain: true });
      continue;
    }
    const hint = /^R__/.test(entry)
      ? 'sluice does not run Flyway repeatable (R__) migrations: turn it into a versioned V<n>__ migration, or move it out of the directory.'
      : /^U\d/.test(entry)
        ? 'sluice does not run Flyway undo (U) migrations: move it out of the directory.'
        : /^V\d+[._]\d/.test(entry)
          ? 'sluice versions are whole numbers: rename it V<n>__<description>.sql with a number greater than the versions before it.'
          : 'Name it V<version>__<description>.sql, e.g. V1__create_users.sql.';
    throw misnamed(path, shown, 'is not named V<version>__<description>.sql', hint);
  }
  return out;
}

/**
 * The migrations of `names` (the entries of `dir`) for a layout. A file that looks like a migration
 * but is misnamed is an error, so a typo never silently skips a migration.
 *
 * @example
 * layoutCandidates('flyway', 'db/migration', ['V1__init.sql'], (p) => p)
 * // [{ version: '1', name: 'init', path: 'db/migration/V1__init.sql', kind: 'sql', plain: true }]
 */
export function layoutCandidates(
  layout: MigrationLayout,
  dir: string,
  names: string[],
  shown: Shown,
): MigrationCandidate[] {
  if (layout === 'prisma') return prismaCandidates(dir, names, shown);
  if (layout === 'flyway') return flywayCandidates(dir, names, shown);
  return sluiceCandidates(dir, names, shown);
}
