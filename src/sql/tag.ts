/**
 * The only way sluice builds SQL: the `sql` tagged template. Interpolated values become bound
 * parameters, names go through `ident()` (always quoted by the dialect), and constant SQL goes
 * through `raw()`. A user-supplied name can never inject SQL.
 */

/** A piece of a fragment: raw SQL text, a bound value, an identifier, an inline literal. */
export type Chunk =
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'ident'; readonly names: readonly string[] }
  | { readonly kind: 'literal'; readonly value: unknown };

const FRAGMENT = Symbol.for('sluice.sql');

/**
 * SQL with its parameters, not yet rendered for a dialect.
 *
 * @example
 * const q = sql`SELECT * FROM ${ident('app', 'users')} WHERE id = ${42}`;
 * render(q, postgresQuoting) // { text: 'SELECT * FROM "app"."users" WHERE id = $1', values: [42] }
 */
export class SqlFragment {
  readonly [FRAGMENT] = true;
  constructor(readonly chunks: readonly Chunk[]) {}

  /** True when the fragment has no bound values (it can be sent as a simple query). */
  get isStatic(): boolean {
    return this.chunks.every((c) => c.kind !== 'value');
  }
}

/** True for anything built by `sql`, `ident`, `raw`, `literal` or `join`. */
export function isSqlFragment(x: unknown): x is SqlFragment {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[FRAGMENT] === true;
}

/**
 * Tagged template: `sql\`... ${value} ...\``. Values become parameters; nested fragments are spliced.
 *
 * @example
 * sql`UPDATE ${ident('users')} SET name = ${name} WHERE id = ${id}`
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  const chunks: Chunk[] = [];
  strings.forEach((s, i) => {
    if (s.length > 0) chunks.push({ kind: 'raw', text: s });
    if (i < values.length) {
      const v = values[i];
      if (isSqlFragment(v)) chunks.push(...v.chunks);
      else chunks.push({ kind: 'value', value: v });
    }
  });
  return new SqlFragment(chunks);
}

/**
 * A quoted identifier; several names make a qualified one (`schema.table`).
 *
 * @example
 * ident('public', 'users') // renders "public"."users" on PostgreSQL
 */
export function ident(...names: string[]): SqlFragment {
  if (names.length === 0) throw new TypeError('ident() needs at least one name');
  for (const n of names) {
    if (typeof n !== 'string' || n.length === 0)
      throw new TypeError(`ident(): invalid name ${JSON.stringify(n)}`);
  }
  return new SqlFragment([{ kind: 'ident', names }]);
}

/**
 * Trusted SQL text, spliced as is. Only for SQL written by the migration author or by sluice itself,
 * never for values that come from users.
 *
 * @example
 * sql`CREATE INDEX ${raw('CONCURRENTLY')} ...`
 */
export function raw(text: string): SqlFragment {
  return new SqlFragment(text.length > 0 ? [{ kind: 'raw', text }] : []);
}

/**
 * A value rendered inline as a quoted literal (for DDL, where parameters are not allowed).
 *
 * @example
 * sql`ALTER TABLE t ALTER COLUMN c SET DEFAULT ${literal('n/a')}` // ... DEFAULT 'n/a'
 */
export function literal(value: unknown): SqlFragment {
  return new SqlFragment([{ kind: 'literal', value }]);
}

/**
 * Joins fragments with a separator (default `, `).
 *
 * @example
 * join(['a', 'b'].map((c) => ident(c))) // "a", "b"
 */
export function join(parts: readonly SqlFragment[], separator: SqlFragment | string = ', '): SqlFragment {
  const sep = typeof separator === 'string' ? raw(separator) : separator;
  const chunks: Chunk[] = [];
  parts.forEach((p, i) => {
    if (i > 0) chunks.push(...sep.chunks);
    chunks.push(...p.chunks);
  });
  return new SqlFragment(chunks);
}

/** How a dialect writes names, parameters and literals. */
export interface Quoting {
  /** Quotes one identifier part, doubling the quote character inside it. */
  ident(name: string): string;
  /** The placeholder for the n-th parameter (1-based): `$1` on PostgreSQL, `?` on MySQL/SQLite. */
  placeholder(n: number): string;
  /** A value as an inline SQL literal. */
  literal(value: unknown): string;
}

/** Rendered SQL: text plus parameters, ready for a driver. */
export interface Rendered {
  text: string;
  values: unknown[];
}

/** Renders a fragment for one dialect. */
export function render(fragment: SqlFragment, quoting: Quoting): Rendered {
  let text = '';
  const values: unknown[] = [];
  for (const c of fragment.chunks) {
    switch (c.kind) {
      case 'raw':
        text += c.text;
        break;
      case 'ident':
        text += c.names.map((n) => quoting.ident(n)).join('.');
        break;
      case 'literal':
        text += quoting.literal(c.value);
        break;
      case 'value':
        values.push(c.value);
        text += quoting.placeholder(values.length);
        break;
    }
  }
  return { text, values };
}

/** Renders with every value inlined as a literal: for `--dry-run` output and plans. */
export function renderInline(fragment: SqlFragment, quoting: Quoting): string {
  return render(
    new SqlFragment(
      fragment.chunks.map((c) => (c.kind === 'value' ? { kind: 'literal', value: c.value } : c)),
    ),
    quoting,
  ).text;
}

/**
 * A driver's text with its `$n` placeholders replaced by the values as literals: how dry runs and
 * previews show a statement that was sent with bound values.
 *
 * @example
 * inlineValues('SELECT $1', ["it's"], postgresQuoting) // SELECT 'it''s'
 */
export function inlineValues(text: string, values: readonly unknown[], quoting: Quoting): string {
  return text.replace(/\$(\d+)/g, (m, n: string) => {
    const i = Number(n) - 1;
    return i < values.length ? renderInline(sql`${values[i]}`, quoting) : m;
  });
}

function pgLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isFinite(value)) return `'${value}'::float8`;
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return `'${value.toISOString()}'::timestamptz`;
  const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // E'' form only when a backslash is present, so the common case reads naturally.
  if (s.includes('\\')) return `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return `'${s.replace(/'/g, "''")}'`;
}

/** PostgreSQL (and PGlite) quoting: `"name"`, `$n`, standard-conforming strings. */
export const postgresQuoting: Quoting = {
  ident: (name) => `"${name.replace(/"/g, '""')}"`,
  placeholder: (n) => `$${n}`,
  literal: pgLiteral,
};
