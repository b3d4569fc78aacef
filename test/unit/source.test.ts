import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationFileError } from '../../src/errors.js';
import { checksum } from '../../src/migrations/checksum.js';
import { compareVersions, listMigrations, newVersion } from '../../src/migrations/source.js';

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

describe('listMigrations', () => {
  it('lists migrations sorted by numeric version with their kind, name and checksum', () => {
    write('10_ten.sql');
    write('9_nine.ts', 'export default {};\n');
    write('100_hundred.mjs', 'export default {};\n');
    write('11_eleven.js', 'export default {};\n');
    write('12_twelve.mts', 'export default {};\n');
    write('20240101120000_create-users.sql', '-- migrate:up\r\nCREATE TABLE users ();\r\n');
    const files = listMigrations(dir);
    expect(files.map((f) => [f.version, f.name, f.kind])).toEqual([
      ['9', 'nine', 'ts'],
      ['10', 'ten', 'sql'],
      ['11', 'eleven', 'js'],
      ['12', 'twelve', 'ts'],
      ['100', 'hundred', 'js'],
      ['20240101120000', 'create-users', 'sql'],
    ]);
    const last = files[5]!;
    expect(last.path).toBe(join(dir, '20240101120000_create-users.sql'));
    expect(last.text).toBe('-- migrate:up\r\nCREATE TABLE users ();\r\n');
    expect(last.checksum).toBe(checksum('-- migrate:up\nCREATE TABLE users ();'));
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
