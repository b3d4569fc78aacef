/**
 * Reading migrations from disk with errors a user can act on: the migrations directory that is
 * missing or a file, an entry named like a migration that is a directory or a dangling symlink,
 * and text that is not UTF-8 (which a lenient decoder would turn into U+FFFD and run).
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { MigrationFileError } from '../errors.js';

const errno = (error: unknown) => (error as NodeJS.ErrnoException)?.code;

/**
 * Lists the names in the migrations directory.
 *
 * @example
 * const names = readMigrationsDir('/app/migrations', 'migrations');
 */
export function readMigrationsDir(dir: string, shown: string): string[] {
  try {
    return readdirSync(dir);
  } catch (cause) {
    throw migrationsDirError(cause, shown);
  }
}

/**
 * The error for a migrations directory that cannot be listed or created (`ENOENT`, `ENOTDIR`,
 * `EEXIST` from mkdir over a file, `EACCES`), with code `migrations-dir`.
 *
 * @example
 * try { mkdirSync(dir, { recursive: true }); } catch (e) { throw migrationsDirError(e, 'migrations'); }
 */
export function migrationsDirError(cause: unknown, shown: string): MigrationFileError {
  const code = errno(cause);
  const [what, hint] =
    code === 'ENOENT'
      ? ['does not exist', 'Run `sluice init`, or point --dir / "migrations" in the config at it.']
      : code === 'ENOTDIR' || code === 'EEXIST'
        ? [
            'is not a directory',
            'Point --dir / "migrations" in the config at the directory that holds the migration files, not at a file.',
          ]
        : [
            `cannot be read (${code ?? String(cause)})`,
            'Check the permissions of the directory (it must be readable and searchable).',
          ];
  return new MigrationFileError(`Migrations directory ${shown} ${what}.`, {
    code: 'migrations-dir',
    details: { file: shown, hint },
  });
}

/**
 * Offset of the first byte that does not start (or continue) a well-formed UTF-8 sequence, or -1.
 * Well-formed as in Unicode table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a migration's bytes as strict UTF-8 (a byte-order mark is kept, as `readFileSync(…,
 * 'utf8')` keeps it). Throws {@link MigrationFileError} `migration-encoding` naming the line and
 * the byte offset of the first invalid byte.
 *
 * @example
 * decodeMigration(Buffer.from('-- migrate:up\nSELECT 1;\n'), 'migrations/1_a.sql')
 */
export function decodeMigration(bytes: Uint8Array, shown: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, Math.max(offset, 0));
    const line = before.filter((b) => b === 0x0a).length + 1;
    const column = offset - (before.lastIndexOf(0x0a) + 1) + 1;
    const hex = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
    throw new MigrationFileError(
      `${shown}:${line}: not valid UTF-8: byte 0x${hex} at byte offset ${offset} (byte ${column} of line ${line}).`,
      {
        code: 'migration-encoding',
        details: {
          file: shown,
          line,
          byteOffset: offset,
          hint: 'Save the file as UTF-8 (for example `iconv -f latin1 -t utf-8`); sluice does not guess encodings.',
        },
      },
    );
  }
}

function unreadable(path: string, shown: string, cause: unknown): MigrationFileError {
  const code = errno(cause);
  let what = `cannot be read (${code ?? String(cause)})`;
  let hint = 'Check the permissions of the file.';
  if (code === 'EISDIR') {
    what = 'is a directory, not a file';
    hint = 'Rename or move the directory: names like <version>_<name>.sql are for migration files.';
  } else if (code === 'ENOENT' || code === 'ELOOP') {
    let target: string | undefined;
    try {
      if (lstatSync(path).isSymbolicLink()) target = readlinkSync(path);
    } catch {
      // Gone between the listing and now: reported as missing below.
    }
    what =
      target === undefined
        ? 'disappeared while it was being read'
        : `is a symbolic link to ${target}, which ${code === 'ELOOP' ? 'is a loop of links' : 'does not exist'}`;
    hint = 'Point the link at the migration file, or remove it.';
  }
  return new MigrationFileError(`Migration file ${shown} ${what}.`, {
    code: 'migration-unreadable',
    details: { file: shown, hint },
  });
}

/**
 * Reads one migration file as strict UTF-8. A directory, a dangling symlink or an unreadable file
 * is a {@link MigrationFileError} `migration-unreadable`; invalid UTF-8 is `migration-encoding`.
 *
 * @example
 * const text = readMigrationText('/app/migrations/1_users.sql', 'migrations/1_users.sql');
 */
export function readMigrationText(path: string, shown: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw unreadable(path, shown, cause);
  }
  return decodeMigration(bytes, shown);
}
