/**
 * Parses `.sql` migrations in dbmate's format, so dbmate projects work unchanged:
 *
 * ```sql
 * -- migrate:up
 * CREATE TABLE notes (id bigint PRIMARY KEY);
 * -- migrate:down transaction:false
 * DROP TABLE notes;
 * ```
 *
 * Markers are found line by line, as dbmate does (a marker line inside a dollar-quoted body still
 * counts; the splitter then reports the body as unterminated). Where dbmate silently ignores
 * something, sluice refuses: unknown or repeated options, duplicate markers, and lines that look like a marker
 * but are not one (`-- migrate:Down`, an indented marker), which dbmate would take as a comment and
 * so run the down statements as part of up.
 */
import { MigrationFileError } from '../errors.js';
import { splitStatements } from '../sql/split.js';
import type { SqlStatement } from './types.js';

/** One direction of a SQL migration. */
export interface SqlSection {
  statements: SqlStatement[];
  /** False when the marker says `transaction:false`. */
  transaction: boolean;
  /** 1-based line of the marker comment */
  line: number;
}

/** A parsed `.sql` migration; `down` is null when the file has no `-- migrate:down` marker. */
export interface ParsedSqlMigration {
  up: SqlSection;
  down: SqlSection | null;
}

type Direction = 'up' | 'down';

interface Marker {
  direction: Direction;
  /** 1-based line of the marker. */
  line: number;
  /** Offset of the marker line's first character. */
  offset: number;
  /** Offset of the line after the marker (where the section's text starts). */
  bodyOffset: number;
  transaction: boolean;
}

// dbmate: `^--\s*migrate:up(\s*$|\s+\S+)`: the marker starts the line, space after `--` is optional.
const MARKER = /^--\s*migrate:(up|down)(?:\s+(.*))?$/;
// Anything a reader would take for a marker; if it does not match MARKER it is a mistake.
const MARKER_LIKE = /^\s*--\s*migrate\s*:\s*(up|down)\b/i;

function fail(file: string, message: string, details: { line?: number; hint: string }): never {
  const where = details.line === undefined ? file : `${file}:${details.line}`;
  throw new MigrationFileError(`${where}: ${message}`, { details: { file, ...details } });
}

function parseOptions(text: string | undefined, file: string, line: number): boolean {
  let transaction: boolean | undefined;
  for (const option of (text ?? '').split(/\s+/)) {
    if (option === '') continue;
    const colon = option.indexOf(':');
    const key = colon === -1 ? option : option.slice(0, colon);
    const value = colon === -1 ? undefined : option.slice(colon + 1);
    if (key !== 'transaction') {
      fail(file, `unknown migration option "${option}"`, {
        line,
        hint: 'The only option is transaction:false (or transaction:true), e.g. "-- migrate:up transaction:false".',
      });
    }
    if (value !== 'true' && value !== 'false') {
      fail(file, `invalid value in "${option}"`, {
        line,
        hint: 'Write transaction:false or transaction:true.',
      });
    }
    // dbmate lets the last one win; a second value is a mistake either way (a conflict, or noise).
    if (transaction !== undefined) {
      fail(file, `the option "transaction" is given twice ("${option}" after transaction:${transaction})`, {
        line,
        hint: 'Keep one: transaction:false to run the section outside a transaction, or nothing (the default, true).',
      });
    }
    transaction = value === 'true';
  }
  return transaction ?? true;
}

function findMarkers(text: string, file: string): Marker[] {
  const markers: Marker[] = [];
  let offset = 0;
  let line = 1;
  while (offset <= text.length) {
    const nl = text.indexOf('\n', offset);
    const end = nl === -1 ? text.length : nl;
    // Cheap pre-check: a marker line always contains "migrate".
    const content = text.slice(offset, end);
    if (content.includes('-') && /migrate/i.test(content)) {
      const m = MARKER.exec(content);
      if (m) {
        markers.push({
          direction: m[1] as Direction,
          line,
          offset,
          bodyOffset: nl === -1 ? text.length : nl + 1,
          transaction: parseOptions(m[2], file, line),
        });
      } else if (MARKER_LIKE.test(content)) {
        fail(file, `"${content.trim()}" looks like a migration marker but is not one`, {
          line,
          hint: 'Write the marker exactly as "-- migrate:up" or "-- migrate:down", lower case, at the start of the line.',
        });
      }
    }
    if (nl === -1) break;
    offset = nl + 1;
    line++;
  }
  return markers;
}

function section(text: string, file: string, marker: Marker, end: number): SqlSection {
  const statements = splitStatements(text.slice(marker.bodyOffset, end), {
    startLine: marker.line + 1,
    startOffset: marker.bodyOffset,
    file,
  });
  return { statements, transaction: marker.transaction, line: marker.line };
}

/**
 * Parses a dbmate-format SQL migration into its up and down sections, with statement positions as
 * absolute lines of the file. CRLF line ends and a leading byte-order mark are normalized first, so
 * `offset`s refer to the normalized text. Throws {@link MigrationFileError} (exit 2) naming the file
 * and line for a missing, misplaced, duplicate or malformed marker, for an unknown option, for SQL
 * before `-- migrate:up`, and for unterminated strings or comments.
 *
 * @example
 * const m = parseSqlMigration('-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n', 'db/migrations/1_t.sql');
 * m.up.statements[0] // { sql: 'CREATE TABLE t (id int)', line: 2, column: 1, offset: 14, leadingComments: [] }
 * m.down?.line // 3
 */
export function parseSqlMigration(text: string, file: string): ParsedSqlMigration {
  // Normalize like a checkout with autocrlf would, so the same file means the same SQL everywhere.
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const markers = findMarkers(normalized, file);

  let up: Marker | undefined;
  let down: Marker | undefined;
  for (const marker of markers) {
    const previous = marker.direction === 'up' ? up : down;
    if (previous) {
      fail(file, `second "-- migrate:${marker.direction}" marker (the first is on line ${previous.line})`, {
        line: marker.line,
        hint: 'A migration has one up section and at most one down section; merge them.',
      });
    }
    if (marker.direction === 'up') up = marker;
    else down = marker;
  }
  if (!up) {
    fail(file, 'no "-- migrate:up" marker', {
      hint: 'Add a line "-- migrate:up" before the statements that apply the migration (and "-- migrate:down" before those that revert it).',
    });
  }
  if (down && down.line < up.line) {
    fail(file, `"-- migrate:down" comes before "-- migrate:up" (line ${up.line})`, {
      line: down.line,
      hint: 'Put the up section first, then the down section.',
    });
  }

  const before = splitStatements(normalized.slice(0, up.offset), { file })[0];
  if (before) {
    fail(file, 'SQL before the "-- migrate:up" marker', {
      line: before.line,
      hint: 'Move it below "-- migrate:up" (only comments may precede the marker).',
    });
  }

  return {
    up: section(normalized, file, up, down ? down.offset : normalized.length),
    down: down ? section(normalized, file, down, normalized.length) : null,
  };
}

/**
 * Parses a SQL migration that has no markers (Prisma's `migration.sql`, Flyway's `V<n>__x.sql`): the
 * whole file is the up section, in a transaction, and there is no down. Normalized as
 * {@link parseSqlMigration} normalizes.
 *
 * @example
 * parsePlainSqlMigration('CREATE TABLE t (id int);\n', 'db/migration/V1__t.sql').up.statements.length // 1
 */
export function parsePlainSqlMigration(text: string, file: string): ParsedSqlMigration {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  return {
    up: { statements: splitStatements(normalized, { file }), transaction: true, line: 1 },
    down: null,
  };
}
