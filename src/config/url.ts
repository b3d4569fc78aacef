/**
 * Database URLs: parsing into a target, and masking for anything printed or thrown.
 */
import { ConfigError } from '../errors.js';

/** Where the database is. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  /** Embedded PGlite; `dataDir` null means in memory. */
  | { kind: 'pglite'; dataDir: string | null };

/**
 * Replaces the password in a URL (and any `password=` parameter) with `***`.
 *
 * @example
 * maskUrl('postgres://app:s3cret@db:5432/prod') // 'postgres://app:***@db:5432/prod'
 */
export function maskUrl(url: string): string {
  return (
    url
      // Up to the last `@` of the authority: a password may contain an unencoded `@` (`u:p@ss@host`).
      .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^/?#]*@/i, '$1:***@')
      // `?password=` in a URL, and `password=` in a libpq key/value string (`host=db password=x`).
      .replace(/((?:^|[?&\s])(?:password|pass|pwd)=)[^&#\s]*/gi, '$1***')
  );
}

/** Masks every URL-looking substring of a free text (error messages may quote the URL). */
export function maskSecrets(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (m) => maskUrl(m));
}

/**
 * Parses a database URL.
 * - `postgres://…` / `postgresql://…`: the real server through `pg`.
 * - `pglite:memory` (or `pglite://memory`): embedded, in memory.
 * - `pglite:<dir>` / `pglite://<dir>`: embedded, stored in `<dir>`.
 *
 * @example
 * parseDatabaseUrl('pglite:./.sluice/db') // { kind: 'pglite', dataDir: './.sluice/db' }
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch (cause) {
      throw new ConfigError(`Invalid database URL ${maskUrl(trimmed)}: it cannot be parsed.`, {
        cause,
        details: { hint: 'Use the form postgres://user:password@host:5432/database.' },
      });
    }
    if (!parsed.hostname && !parsed.searchParams.get('host')) {
      throw new ConfigError(`Invalid database URL ${maskUrl(trimmed)}: no host.`, {
        details: { hint: 'Use the form postgres://user:password@host:5432/database.' },
      });
    }
    return { kind: 'postgres', url: trimmed };
  }
  const pglite = /^pglite:(?:\/\/)?(.*)$/i.exec(trimmed);
  if (pglite) {
    const rest = pglite[1] ?? '';
    if (rest === '' || rest === 'memory' || rest === ':memory:') return { kind: 'pglite', dataDir: null };
    return { kind: 'pglite', dataDir: rest };
  }
  throw new ConfigError(`Unsupported database URL ${maskUrl(trimmed)}.`, {
    details: {
      hint: 'Use postgres://user:password@host:5432/db for a server, pglite:./path for embedded PGlite, or pglite:memory.',
    },
  });
}
