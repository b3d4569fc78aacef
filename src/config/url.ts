/**
 * Database URLs: parsing into a target, and masking for anything printed or thrown.
 */
import { ConfigError } from '../errors.js';

/** Where the database is. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  /** Embedded PGlite; `dataDir` null means in memory. */
  | { kind: 'pglite'; dataDir: string | null };

const SCHEME = /^([a-z][a-z0-9+.-]*:)(\/\/)?/i;

/**
 * `?password=` in a URL, and `password=` in a libpq key/value string (`host=db password=x`,
 * `password='a b'`: a quoted value runs to its closing quote, past spaces and escaped quotes).
 */
function maskParams(text: string): string {
  // `"` ends an unquoted value: it delimits the JSON strings this also runs over. `***` is done.
  return text.replace(
    /((?:^|[?&\s])(?:password|pass|pwd)=)(?!\*\*\*(?:[&#\s".,;:)]|$))(?:'(?:[^'\\]|\\.)*'?|[^&#\s"]*)/gi,
    '$1***',
  );
}

/**
 * Replaces the password in a URL (and any `password=` parameter) with `***`.
 *
 * It does not rely on the URL being valid: everything between the user's `:` and the last `@`
 * is the password, so an unencoded `/`, `#`, `?`, `@` or `:` in it, or a missing `//`
 * (`postgres:user:pw@host/db`), is masked too. Without an `@` there is no password part.
 *
 * @example
 * maskUrl('postgres://app:s3cret@db:5432/prod') // 'postgres://app:***@db:5432/prod'
 * maskUrl('postgres://app:a/b#c@db/prod')       // 'postgres://app:***@db/prod'
 */
export function maskUrl(url: string): string {
  const scheme = SCHEME.exec(url);
  if (!scheme) return maskParams(url);
  const prefix = scheme[0];
  const rest = url.slice(prefix.length);
  const at = rest.lastIndexOf('@');
  const colon = rest.indexOf(':');
  if (at === -1 || colon === -1 || colon > at) return maskParams(url);
  return maskParams(`${prefix}${rest.slice(0, colon)}:***${rest.slice(at)}`);
}

const URL_START = String.raw`(?:[a-z][a-z0-9+.-]*:\/\/|postgres(?:ql)?:\/?)`;
// After `user:`, a password may hold spaces, quotes and `@`: it runs to the last `@` of the line
// before the next URL (a URL sluice already masked, `user:***@`, is left alone). Otherwise a URL
// ends at white space or a quote.
const URL_IN_TEXT = new RegExp(
  String.raw`${URL_START}[^\s'":/?#@]*:(?!\*\*\*@)(?:(?!${URL_START})[^\n])*@[^\s'"]*|${URL_START}[^\s'"]+`,
  'gi',
);

/**
 * Masks every URL-looking substring of a free text (error messages may quote the URL).
 *
 * @example
 * maskSecrets('cannot reach postgres://u:pw@h/db') // 'cannot reach postgres://u:***@h/db'
 */
export function maskSecrets(text: string): string {
  // Every line sluice prints passes here; most hold neither a URL start nor `=`, and the URL
  // pattern is costly to try at every position of a long line (a profile of `up` showed it).
  if (!MAY_HOLD_SECRET.test(text)) return text;
  // `password=` values first: in free text one may run past a quote the URL pattern stops at.
  return maskParams(text).replace(URL_IN_TEXT, (m) => maskUrl(m));
}

/** What every match of {@link maskParams} or {@link URL_IN_TEXT} contains. */
const MAY_HOLD_SECRET = /=|:\/\/|postgres(?:ql)?:/i;

// Not written as a URL: the output would mask its password part.
const FORM_HINT =
  'Write it as postgres:// then user:password@host:5432/database, with "/", "#", "?", "@", ":" and "%" in the user or password percent-encoded (%2F, %23, %3F, %40, %3A, %25).';

/**
 * A URL that is wrong is shown masked, never as typed. Without an `@`, a `:` after the user or
 * host may start a password whose `@host` is missing, so the rest is hidden too.
 */
function shown(url: string): string {
  const masked = maskUrl(url);
  if (url.includes('@')) return masked;
  const colon = masked.indexOf(':', SCHEME.exec(masked)?.[0].length ?? 0);
  return colon === -1 ? masked : `${masked.slice(0, colon)}:***`;
}

function invalid(url: string, why: string): ConfigError {
  // No `cause`: the URL parser's and decoder's errors carry the raw input.
  return new ConfigError(`Invalid database URL ${shown(url)}: ${why}.`, { details: { hint: FORM_HINT } });
}

function decodes(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

function parsePostgresUrl(url: string): DatabaseTarget {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // Reported below, without the parser's error: it carries the raw input.
  }
  if (!parsed || parsed.hash) {
    // An `@` after the end of the authority (`/`, `?` or `#`): most likely a password with one of
    // those unencoded, which ended the authority early. (`?application_name=a@b` parses fine.)
    const rest = url.slice(url.indexOf('//') + 2);
    const end = rest.search(/[/?#]/);
    const split = end !== -1 && rest.lastIndexOf('@') > end;
    throw invalid(
      url,
      split
        ? 'the user or password contains an unencoded "/", "#" or "?"'
        : parsed
          ? 'it has a "#" fragment, which a database URL cannot have'
          : 'it cannot be parsed',
    );
  }
  if (!decodes(parsed.username) || !decodes(parsed.password)) {
    throw invalid(url, 'the user or password has a "%" that is not a valid percent-encoded UTF-8 sequence');
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) throw invalid(url, 'no host');
  return { kind: 'postgres', url };
}

/**
 * Parses a database URL.
 * - `postgres://…` / `postgresql://…`: the real server through `pg`.
 * - `pglite:memory` (or `pglite://memory`): embedded, in memory.
 * - `pglite:<dir>` / `pglite://<dir>`: embedded, stored in `<dir>`.
 *
 * Errors are {@link ConfigError}s (exit 2) that show the URL masked, whatever is wrong with it.
 *
 * @example
 * parseDatabaseUrl('pglite:./.sluice/db') // { kind: 'pglite', dataDir: './.sluice/db' }
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parsePostgresUrl(trimmed);
  if (/^postgres(ql)?:/i.test(trimmed)) {
    throw invalid(trimmed, 'there is no "//" after the scheme');
  }
  const pglite = /^pglite:(?:\/\/)?(.*)$/i.exec(trimmed);
  if (pglite) {
    const rest = pglite[1] ?? '';
    if (rest === '' || rest === 'memory' || rest === ':memory:') return { kind: 'pglite', dataDir: null };
    return { kind: 'pglite', dataDir: rest };
  }
  throw new ConfigError(`Unsupported database URL ${shown(trimmed)}.`, {
    details: {
      hint: 'Use postgres://user:password@host:5432/db for a server, pglite:./path for embedded PGlite, or pglite:memory.',
    },
  });
}
