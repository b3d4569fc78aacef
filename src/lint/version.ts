/**
 * PostgreSQL versions as the linter uses them: the major number.
 */

/**
 * The version assumed when neither the configuration nor a server says.
 *
 * @example
 * lintPaths(dirs, { pgVersion: config.lint.pgVersion ?? DEFAULT_PG_VERSION })
 */
export const DEFAULT_PG_VERSION = 15;

/**
 * The major version from what a caller may have: `15`, `15.4`, `'16.2'`, or a server's
 * `server_version_num` (`150004`, `90600` → 9).
 *
 * @example
 * majorVersion(150004) // 15
 * majorVersion(undefined) // 15 (the default)
 */
export function majorVersion(v: number | string | undefined): number {
  const n = typeof v === 'string' ? Number.parseFloat(v) : v;
  if (n === undefined || !Number.isFinite(n) || n <= 0) return DEFAULT_PG_VERSION;
  if (n >= 100000) return Math.floor(n / 10000);
  if (n >= 10000) return Math.floor(n / 10000); // 90600 style (9.6)
  return Math.floor(n);
}
