import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationFileError } from '../../src/errors.js';
import { checksum } from '../../src/migrations/checksum.js';
import { isTimestamp } from '../../src/migrations/layouts.js';
import { firstInvalidUtf8 } from '../../src/migrations/read.js';
import {
  compareVersions,
  displayPath,
  listMigrations,
  newVersion,
  nextSequence,
} from '../../src/migrations/source.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-source-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text = '-- migrate:up\nSELECT 1;\n'): void {
  writeFileSync(join(dir, name), text);
}

function fileError(fn: () => unknown): MigrationFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MigrationFileError);
    expect((error as MigrationFileError).exitCode).toBe(2);
    return error as MigrationFileError;
  }
  throw new Error('expected a MigrationFileError');
}

describe('compareVersions', () => {
  it('compares digit strings numerically', () => {
    expect(['10', '9', '100', '1', '20240101120000', '002'].sort(compareVersions)).toEqual([
      '1',
      '002',
      '9',
      '10',
      '100',
      '20240101120000',
    ]);
    expect(compareVersions('007', '7')).toBe(0);
    expect(compareVersions('0', '00')).toBe(0);
    expect(Math.sign(compareVersions('19', '2'))).toBe(1);
  });
});

describe('newVersion', () => {
  it('is the UTC time as YYYYMMDDHHMMSS', () => {
    expect(newVersion(new Date('2024-01-02T03:04:05.999Z'))).toBe('20240102030405');
  });
});

describe('nextSequence', () => {
  it('continues a sequence, padded like it; null for timestamps or an empty directory', () => {
    expect(nextSequence(['0001', '0002'])).toBe('0003');
    expect(nextSequence(['1', '9'])).toBe('10');
    expect(nextSequence(['099'])).toBe('100');
    expect(nextSequence(['20240102030405'])).toBeNull();
    expect(nextSequence(['README.md'])).toBeNull();
    expect(nextSequence([])).toBeNull();
  });
});

describe('listMigrations naming rule', () => {
  it('an upper-case extension is an error, not a file skipped', () => {
    write('1_a.SQL');
    const e = fileError(() => listMigrations(dir));
    expect(e.message).toBe(`Migration file ${join(dir, '1_a.SQL')} has an upper-case extension .SQL.`);
    expect(e.details.hint).toBe('Rename it to end in .sql.');
  });

  it('a 14-digit version must be a real UTC date and time', () => {
    write('20240230120000_feb30.sql');
    expect(fileError(() => listMigrations(dir)).message).toContain(
      'has version 20240230120000, which is not a UTC date and time YYYYMMDDHHMMSS.',
    );
    rmSync(join(dir, '20240230120000_feb30.sql'));
    write('20240229235959_leap.sql');
    expect(listMigrations(dir).map((f) => f.version)).toEqual(['20240229235959']);
  });

  it('timestamps and sequence numbers do not mix: the smaller group is named', () => {
    write('20240101120000_a.sql');
    write('20240102120000_b.sql');
    write('2025_bad_version.sql');
    const e = fileError(() => listMigrations(dir));
    expect(e.message).toBe(
      `Migration versions mix timestamps and sequence numbers: ${join(dir, '2025_bad_version.sql')} does not use YYYYMMDDHHMMSS timestamps (what \`sluice new\` makes) like the other 2 file(s).`,
    );
    write('3_c.sql');
    write('4_d.sql');
    expect(fileError(() => listMigrations(dir)).message).toContain(
      `${join(dir, '20240101120000_a.sql')}, ${join(dir, '20240102120000_b.sql')} do not use sequence numbers like the other 3 file(s).`,
    );
  });
});

describe('listMigrations', () => {
  it('lists migrations sorted by numeric version with their kind, name and checksum', () => {
    write('10_ten.sql');
    write('9_nine.ts', 'export default {};\n');
    write('100_hundred.mjs', 'export default {};\n');
    write('11_eleven.js', 'export default {};\n');
    write('12_twelve.mts', 'export default {};\n');
    write('1000_create-users.sql', '-- migrate:up\r\nCREATE TABLE users ();\r\n');
    const files = listMigrations(dir);
    expect(files.map((f) => [f.version, f.name, f.kind])).toEqual([
      ['9', 'nine', 'ts'],
      ['10', 'ten', 'sql'],
      ['11', 'eleven', 'js'],
      ['12', 'twelve', 'ts'],
      ['100', 'hundred', 'js'],
      ['1000', 'create-users', 'sql'],
    ]);
    const last = files[5]!;
    expect(last.path).toBe(join(dir, '1000_create-users.sql'));
    expect(last.text).toBe('-- migrate:up\r\nCREATE TABLE users ();\r\n');
    expect(last.checksum).toBe(checksum('-- migrate:up\nCREATE TABLE users ();'));
  });

  it('shows paths as displayPath does: relative inside the working directory, absolute outside', () => {
    write('1_one.sql');
    mkdirSync(join(dir, 'sub'));
    const home = process.cwd();
    try {
      process.chdir(dir);
      expect(listMigrations(dir)[0]!.path).toBe('1_one.sql');
      expect(listMigrations('.')[0]!.path).toBe('1_one.sql');
      process.chdir(join(dir, 'sub'));
      expect(listMigrations(dir)[0]!.path).toBe(join(dir, '1_one.sql'));
      process.chdir(tmpdir());
      expect(listMigrations(dir)[0]!.path).toBe(join(dir.slice(tmpdir().length + 1), '1_one.sql'));
      expect(displayPath(join(dir, '1_one.sql'))).toBe(listMigrations(dir)[0]!.path);
    } finally {
      process.chdir(home);
    }
  });

  it('ignores files that are not migrations by extension, hidden files and declarations', () => {
    write('1_a.sql');
    write('README.md', '# notes');
    write('.gitkeep', '');
    write('.2_hidden.sql');
    write('3_types.d.ts', 'export {};');
    write('notes.txt', 'x');
    write('Makefile', 'x');
    mkdirSync(join(dir, 'sub'));
    expect(listMigrations(dir).map((f) => f.version)).toEqual(['1']);
  });

  it('is empty for an empty directory', () => {
    expect(listMigrations(dir)).toEqual([]);
  });

  it.each([
    'create_users.sql',
    '1-create_users.sql',
    '1.sql',
    '1_.sql',
    'v1_create.sql',
    '1_create users.sql',
    '1__x.ts',
    '1_x.sql.sql',
  ])('rejects the misnamed %j, naming the file', (name) => {
    write('1_ok.sql');
    write(name);
    const error = fileError(() => listMigrations(dir));
    const ext = name.slice(name.lastIndexOf('.') + 1);
    expect(error.message).toBe(`Migration file ${join(dir, name)} is not named <version>_<name>.${ext}.`);
    expect(error.details.file).toBe(join(dir, name));
  });

  it('rejects two files with the same version', () => {
    write('5_a.sql');
    write('5_b.ts', 'export default {};\n');
    const error = fileError(() => listMigrations(dir));
    expect(error.message).toMatch(
      /^Two migrations have version 5: 5_(a\.sql and 5_b\.ts|b\.ts and 5_a\.sql)\.$/,
    );
  });

  it('rejects versions that differ only in leading zeros (they compare equal)', () => {
    write('1_a.sql');
    write('01_b.sql');
    expect(fileError(() => listMigrations(dir)).message).toMatch(/^Two migrations have version 0?1: /);
  });

  it('reports a missing directory', () => {
    const missing = join(dir, 'nope');
    const error = fileError(() => listMigrations(missing));
    expect(error.message).toBe(`Migrations directory ${missing} does not exist.`);
    expect(error.details.hint).toContain('sluice init');
  });
});

describe('listMigrations: what is on disk', () => {
  it('a migrations "directory" that is a file: code migrations-dir, and what to do', () => {
    write('not-a-dir');
    const error = fileError(() => listMigrations(join(dir, 'not-a-dir')));
    expect(error.code).toBe('migrations-dir');
    expect(error.message).toBe(`Migrations directory ${join(dir, 'not-a-dir')} is not a directory.`);
    expect(error.details.hint).toContain('--dir');
  });

  it('a directory named like a migration: code migration-unreadable', () => {
    write('1_ok.sql');
    mkdirSync(join(dir, '2_folder.sql'));
    const error = fileError(() => listMigrations(dir));
    expect(error.code).toBe('migration-unreadable');
    expect(error.message).toBe(`Migration file ${join(dir, '2_folder.sql')} is a directory, not a file.`);
    expect(error.details.file).toBe(join(dir, '2_folder.sql'));
  });

  it('a dangling symlink named like a migration: names the link and its target', () => {
    symlinkSync(join(dir, 'gone.sql'), join(dir, '3_link.sql'));
    const error = fileError(() => listMigrations(dir));
    expect(error.code).toBe('migration-unreadable');
    expect(error.message).toBe(
      `Migration file ${join(dir, '3_link.sql')} is a symbolic link to ${join(dir, 'gone.sql')}, which does not exist.`,
    );
    expect(error.details.hint).toContain('link');
  });

  it('invalid UTF-8: code migration-encoding naming the line and the byte offset', () => {
    // "café" in Latin-1 on line 3: byte 0xe9 then "'" is not a UTF-8 sequence.
    const head = Buffer.from("-- migrate:up\nCREATE TABLE t (name text);\nINSERT INTO t VALUES ('caf");
    writeFileSync(
      join(dir, '1_latin1.sql'),
      Buffer.concat([head, Buffer.from([0xe9]), Buffer.from("');\n")]),
    );
    const error = fileError(() => listMigrations(dir));
    expect(error.code).toBe('migration-encoding');
    expect(error.message).toBe(
      `${join(dir, '1_latin1.sql')}:3: not valid UTF-8: byte 0xe9 at byte offset ${head.length} (byte 27 of line 3).`,
    );
    expect(error.details).toMatchObject({ line: 3, byteOffset: head.length });
  });

  it('valid UTF-8 (with a byte-order mark) is read as before', () => {
    const text = "\uFEFF-- migrate:up\nINSERT INTO t VALUES ('café 中 😀');\n";
    write('1_utf8.sql', text);
    const [file] = listMigrations(dir);
    expect(file?.text).toBe(text);
    expect(file?.checksum).toBe(checksum(text));
  });
});

describe('firstInvalidUtf8', () => {
  it.each<[string, number[], number]>([
    ['ASCII', [0x61, 0x62], -1],
    ['2-, 3- and 4-byte sequences', [0xc3, 0xa9, 0xe4, 0xb8, 0xad, 0xf0, 0x9f, 0x98, 0x80], -1],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong "/"', [0xc0, 0xaf], 0],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['0xff', [0x61, 0x62, 0xff], 2],
    ['a sequence cut short by the end', [0x61, 0xe4, 0xb8], 1],
    ['a sequence cut short by ASCII', [0xe4, 0x61, 0x62], 0],
  ])('%s', (_name, bytes, offset) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(offset);
  });

  it('agrees with the strict TextDecoder on random bytes (fast-check seed 7, 2000 runs)', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(bytes) === -1).toBe(valid);
        // Everything before the reported byte is valid.
        const at = firstInvalidUtf8(bytes);
        if (at !== -1) expect(() => strict.decode(bytes.subarray(0, at))).not.toThrow();
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});

describe('isTimestamp', () => {
  // The oracle: the calendar as JavaScript's Date knows it (what the check used before it became arithmetic).
  const byDate = (v: string) => {
    const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) => Number(v.slice(i, k === 0 ? 4 : i + 2)));
    const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
    return (
      date.getUTCFullYear() === y &&
      date.getUTCMonth() === mo! - 1 &&
      date.getUTCDate() === d &&
      date.getUTCHours() === h &&
      date.getUTCMinutes() === mi &&
      date.getUTCSeconds() === s
    );
  };
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
  it('agrees with the calendar on 14-digit versions, leap days and typos included (fast-check seed 20261203)', () => {
    const version = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(14), two(32), two(25), two(61), two(61))
      .map(([y, ...rest]) => String(y).padStart(4, '0') + rest.join(''));
    fc.assert(
      fc.property(version, (v) => isTimestamp(v) === byDate(v)),
      { seed: 20261203, numRuns: 20000 },
    );
    expect([
      isTimestamp('20240229120000'),
      isTimestamp('20230229120000'),
      isTimestamp('21000229000000'),
    ]).toEqual([true, false, false]);
  });
});
