/**
 * Generated database URLs with awkward passwords, and a check that output shows none of them.
 *
 * A password is built from chunks of three code points whose first is non-ASCII, so every run of
 * three consecutive code points of it holds a non-ASCII character: no such run can turn up in
 * sluice's (ASCII) messages by chance, and any one found is a leak. The other code points are
 * `/ # ? @ : %`, quotes, spaces, `&`, `=`, backslashes, letters and digits.
 */
import fc from 'fast-check';

const NON_ASCII = ['é', 'ß', 'ж', '中', '😀', 'ø', 'Ω', 'ñ'];
const SPECIAL = ['/', '#', '?', '@', ':', '%', ' ', '"', "'", '&', '=', '\\'];
const PLAIN = ['a', 'q', 'Z', 'X', '0', '7'];
const anyChar = fc.oneof(
  fc.constantFrom(...NON_ASCII),
  fc.constantFrom(...SPECIAL),
  fc.constantFrom(...PLAIN),
);

/**
 * How each shape puts the password (as written, percent-encoded or not) into a URL. In `noHost`
 * an `@` is always encoded: `postgres://u:a@b/db` is a valid URL whose host is `b`, so nothing
 * could tell that `b` was meant as part of the password.
 */
export const SHAPES = {
  server: (w: string, db: string) => `postgres://postgres:${w}@127.0.0.1:5432/${db}`,
  refused: (w: string, db: string) => `postgresql://postgres:${w}@127.0.0.1:1/${db}`,
  noSlashes: (w: string, db: string) => `postgres:postgres:${w}@127.0.0.1:5432/${db}`,
  oneSlash: (w: string, db: string) => `postgres:/postgres:${w}@127.0.0.1:5432/${db}`,
  noHost: (w: string, db: string) => `postgres://postgres:${w}/${db}`,
  query: (w: string, db: string) =>
    `postgres://postgres:${w}@127.0.0.1:5432/${db}?sslmode=disable&application_name=sluice_test`,
  sslFile: (w: string, db: string) =>
    `postgres://postgres:${w}@127.0.0.1:5432/${db}?sslmode=require&sslrootcert=/nonexistent/ca.pem`,
  passwordParam: (_w: string, db: string, pw: string) =>
    `postgres://postgres@127.0.0.1:5432/${db}?password=${encodeURIComponent(pw)}`,
  otherScheme: (w: string, db: string) => `mysql://postgres:${w}@127.0.0.1/${db}`,
  keyValue: (_w: string, db: string, pw: string) =>
    `host=127.0.0.1 password='${pw.replace(/['\\]/g, '\\$&')}' dbname=${db}`,
} satisfies Record<string, (written: string, db: string, password: string) => string>;

export type Shape = keyof typeof SHAPES;

export interface SecretCase {
  shape: Shape;
  /** The password itself. */
  password: string;
  /** The password as it is written in the URL (some characters percent-encoded). */
  written: string;
  url: string;
}

/**
 * Generated URLs for database `db`; `shapes` limits the shapes used, `encodes` how the password
 * is written: 0 = as typed, 1 = every character percent-encoded (a valid URL), 2 = some of them.
 */
export function secretCase(
  db: string,
  shapes: readonly Shape[] = Object.keys(SHAPES) as Shape[],
  encodes: readonly (0 | 1 | 2)[] = [0, 1, 2],
) {
  const password = fc
    .array(fc.tuple(fc.constantFrom(...NON_ASCII), anyChar, anyChar), { minLength: 1, maxLength: 5 })
    .map((chunks) => chunks.flat().join(''));
  return fc
    .record({
      password,
      encode: fc.constantFrom(...encodes),
      picks: fc.array(fc.boolean(), { minLength: 15, maxLength: 15 }),
      shape: fc.constantFrom(...shapes),
    })
    .map(({ password, encode, picks, shape }): SecretCase => {
      const written = Array.from(password)
        .map((ch, i) =>
          encode === 1 || (encode === 2 && picks[i]) || (shape === 'noHost' && ch === '@')
            ? encodeURIComponent(ch)
            : ch,
        )
        .join('');
      return { shape, password, written, url: SHAPES[shape](written, db, password) };
    });
}

function windows(text: string): string[] {
  const points = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i + 3 <= points.length; i++) out.push(points.slice(i, i + 3).join(''));
  return out;
}

/**
 * The first part of the password found in `output`: a run of three code points of the password,
 * or of its written form when that run holds a non-ASCII character or part of a percent-encoded
 * one (`%C3`), or the whole password. Null when there is none.
 */
export function leak(output: string, c: Pick<SecretCase, 'password' | 'written'>): string | null {
  if (output.includes(c.password)) return c.password;
  for (const w of windows(c.password)) if (output.includes(w)) return w;
  for (const w of windows(c.written)) {
    if ((/[^ -~]/.test(w) || /%[89a-f]/i.test(w)) && output.includes(w)) return w;
  }
  return null;
}

/** A stack trace line (`    at fn (file:1:2)`) or the CLI's `internal error`. */
export const STACK_TRACE = /^\s+at .+[(:]\d+|internal error/m;
