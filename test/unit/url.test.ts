import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/define.js';
import { maskSecrets, maskUrl, parseDatabaseUrl } from '../../src/config/url.js';
import { ConfigError } from '../../src/errors.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('maskUrl', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/prod', 'postgres://app:***@db:5432/prod'],
    ['postgresql://app:s3cret@db/prod?sslmode=disable', 'postgresql://app:***@db/prod?sslmode=disable'],
    ['postgres://:s3cret@db/prod', 'postgres://:***@db/prod'],
    ['postgres://app@db/prod', 'postgres://app@db/prod'],
    ['postgres://db:5432/prod', 'postgres://db:5432/prod'],
    ['postgres://app:p@ss@db/prod', 'postgres://app:***@db/prod'],
    ['postgres://app:a:b@db/prod', 'postgres://app:***@db/prod'],
    ['postgres://db/prod?password=s3cret', 'postgres://db/prod?password=***'],
    [
      'postgres://db/prod?sslmode=require&password=s3cret&x=1',
      'postgres://db/prod?sslmode=require&password=***&x=1',
    ],
    ['postgres://db/prod?user=u&pwd=s3cret', 'postgres://db/prod?user=u&pwd=***'],
    ['host=db user=app password=s3cret dbname=prod', 'host=db user=app password=*** dbname=prod'],
    ['pglite:./.sluice/db', 'pglite:./.sluice/db'],
    // Masking does not depend on the URL parsing: the password runs to the last `@`.
    ['postgres://app:s3/cret@db/prod', 'postgres://app:***@db/prod'],
    ['postgres://app:s3#cret@db/prod', 'postgres://app:***@db/prod'],
    ['postgres://app:s3?cret@db/prod', 'postgres://app:***@db/prod'],
    ['postgres://app:12/s3cret@db/prod', 'postgres://app:***@db/prod'],
    ['postgres://app:s3%zzcret@db/prod', 'postgres://app:***@db/prod'],
    ['postgres:app:s3cret@db/prod', 'postgres:app:***@db/prod'],
    ['postgres:/app:s3cret@db/prod', 'postgres:/app:***@db/prod'],
    ["host=db password='s3 \\'cret' dbname=prod", 'host=db password=*** dbname=prod'],
  ])('%s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
    expect(maskUrl(url)).not.toContain('s3cret');
  });
});

describe('maskSecrets', () => {
  it('masks every URL in a text and leaves the rest', () => {
    expect(
      maskSecrets(
        'Cannot connect to postgres://u:hunter2@127.0.0.1:1/x: refused, was postgresql://v:pw2@h/y?password=pw3 before',
      ),
    ).toBe(
      'Cannot connect to postgres://u:***@127.0.0.1:1/x: refused, was postgresql://v:***@h/y?password=*** before',
    );
  });

  it('masks a password with spaces, quotes or a second URL on the line', () => {
    expect(maskSecrets(`bad postgres://u:s3 "cr'et@h/db here`)).toBe('bad postgres://u:***@h/db here');
    expect(maskSecrets('a postgres://u:s3 cret@h/a and postgres://v:p4 ss@g/b')).toBe(
      'a postgres://u:***@h/a and postgres://v:***@g/b',
    );
    expect(maskSecrets("at postgres://h/db?password=s3'cret today")).toBe(
      'at postgres://h/db?password=*** today',
    );
    // Already masked: left as it is, whatever follows on the line.
    const masked = 'Cannot connect to postgres://u:***@h/db: role "a@b" does not exist';
    expect(maskSecrets(masked)).toBe(masked);
  });

  it('leaves text without URLs unchanged', () => {
    const text = 'relation "users" does not exist; see user:password in docs';
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p@localhost:5432/app', { kind: 'postgres', url: 'postgres://u:p@localhost:5432/app' }],
    ['postgresql://localhost/app', { kind: 'postgres', url: 'postgresql://localhost/app' }],
    ['  postgres://localhost/app  ', { kind: 'postgres', url: 'postgres://localhost/app' }],
    ['POSTGRES://localhost/app', { kind: 'postgres', url: 'POSTGRES://localhost/app' }],
    ['pglite:memory', { kind: 'pglite', dataDir: null }],
    ['pglite://memory', { kind: 'pglite', dataDir: null }],
    ['pglite::memory:', { kind: 'pglite', dataDir: null }],
    ['pglite:', { kind: 'pglite', dataDir: null }],
    ['pglite:./dir', { kind: 'pglite', dataDir: './dir' }],
    ['pglite:/abs/dir', { kind: 'pglite', dataDir: '/abs/dir' }],
    ['pglite://rel/dir', { kind: 'pglite', dataDir: 'rel/dir' }],
  ])('%s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each([
    'mysql://u:hunter2@localhost/app',
    'sqlite:./db',
    'localhost:5432',
    'host=localhost password=hunter2',
    '',
  ])('rejects the unsupported %j without showing a password', (url) => {
    const error = configError(() => parseDatabaseUrl(url));
    expect(error.message).toMatch(/^Unsupported database URL /);
    expect(error.message).not.toContain('hunter2');
    expect(error.details.hint).toContain('pglite:');
  });

  it('rejects a postgres URL without a host', () => {
    expect(configError(() => parseDatabaseUrl('postgres:///app')).message).toBe(
      'Invalid database URL postgres:///app: no host.',
    );
    expect(configError(() => parseDatabaseUrl('postgres://u:hunter2@/app')).message).toBe(
      'Invalid database URL postgres://u:***@/app: it cannot be parsed.',
    );
  });

  it('rejects a postgres URL that cannot be parsed, masking the password', () => {
    const error = configError(() => parseDatabaseUrl('postgres://u:hunter2@host:notaport/app'));
    expect(error.message).toBe(
      'Invalid database URL postgres://u:***@host:notaport/app: it cannot be parsed.',
    );
    expect(JSON.stringify(error.toJSON())).not.toContain('hunter2');
  });

  it.each([
    ['postgres://u:hun/ter2@host/app', 'postgres://u:***@host/app', 'an unencoded "/", "#" or "?"'],
    ['postgres://u:hun#ter2@host/app', 'postgres://u:***@host/app', 'an unencoded "/", "#" or "?"'],
    ['postgres://u:hun?ter2@host/app', 'postgres://u:***@host/app', 'an unencoded "/", "#" or "?"'],
    ['postgres:u:hunter2@host/app', 'postgres:u:***@host/app', 'there is no "//" after the scheme'],
    ['postgresql:/u:hunter2@host/app', 'postgresql:/u:***@host/app', 'there is no "//" after the scheme'],
    ['postgres://u:hunter2/app', 'postgres://u:***', 'it cannot be parsed'],
    ['postgres://u:hunter2%zz@host/app', 'postgres://u:***@host/app', 'a "%" that is not a valid'],
    ['postgres://u:hunter2%C3%28@host/app', 'postgres://u:***@host/app', 'a "%" that is not a valid'],
    ['postgres://u:12#hunter2@host/app', 'postgres://u:***@host/app', 'an unencoded "/", "#" or "?"'],
    ['postgres://u:hunter2@host/app#x', 'postgres://u:***@host/app#x', 'a "#" fragment'],
  ])('rejects %j naming what is wrong, without any of the password', (url, shown, why) => {
    const error = configError(() => parseDatabaseUrl(url));
    expect(error.message).toContain(`Invalid database URL ${shown}: `);
    expect(error.message).toContain(why);
    expect(error.details.hint).toContain('percent-encoded (%2F, %23, %3F, %40, %3A, %25)');
    expect(JSON.stringify(error.toJSON())).not.toMatch(/hun|ter2|unter/);
    expect(error.cause).toBeUndefined();
  });

  it('accepts an "@" in the query of a valid URL', () => {
    const url = 'postgres://u:pw@host/app?application_name=me@laptop';
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url });
  });

  it('accepts a host given as a query parameter (a Unix socket)', () => {
    expect(parseDatabaseUrl('postgres:///app?host=/var/run/postgresql')).toEqual({
      kind: 'postgres',
      url: 'postgres:///app?host=/var/run/postgresql',
    });
  });
});

describe('parseDuration', () => {
  it.each<[number | string, number]>([
    [0, 0],
    [250, 250],
    [1.9, 1],
    ['500', 500],
    ['500ms', 500],
    ['3s', 3000],
    ['1.5s', 1500],
    ['2sec', 2000],
    ['2m', 120_000],
    ['2min', 120_000],
    ['1h', 3_600_000],
    [' 3 S ', 3000],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each<number | string>([
    '',
    'soon',
    '3 parsecs',
    '-1s',
    '1d',
    '1.s',
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ])('rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrow(RangeError);
  });
});
