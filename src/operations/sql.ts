import { isSqlFragment, raw, type SqlFragment } from '../sql/tag.js';
import type { OperationBase, OperationClass, OperationDefinition } from './types.js';
import { checkBoolean, checkOneOf, invalid, type Subject } from './validate.js';

/**
 * Raw SQL among typed operations, for anything they do not cover. sluice cannot know what it locks
 * or whether it can be undone: it is irreversible unless the author gives `down`, and counts as a
 * `data` change unless `class` says otherwise.
 */
export interface SqlOperation extends OperationBase {
  kind: 'sql';
  statement: SqlFragment;
  down?: SqlFragment;
  /** `false`: must run outside a transaction (e.g. `CREATE INDEX CONCURRENTLY`, `VACUUM`). Default true. */
  transactional?: boolean;
  class?: OperationClass;
}

/** Options of `db.sql(statement, options)`. */
export interface SqlOptions {
  /** The statement that undoes this one; makes the operation reversible. */
  down?: string | SqlFragment;
  transactional?: boolean;
  class?: OperationClass;
}

const fragment = (x: string | SqlFragment): SqlFragment => (typeof x === 'string' ? raw(x) : x);

/**
 * Builds a `sql` operation. Text is trusted SQL written by the author; use `sql\`…\`` for values.
 *
 * @example
 * sqlOperation('CREATE EXTENSION IF NOT EXISTS pg_trgm', { down: 'DROP EXTENSION pg_trgm', class: 'additive' })
 */
export function sqlOperation(statement: string | SqlFragment, options: SqlOptions = {}): SqlOperation {
  const { down, ...rest } = options;
  const op: SqlOperation = { kind: 'sql', statement: fragment(statement), ...rest };
  if (down !== undefined) op.down = fragment(down);
  return op;
}

const isEmpty = (f: unknown) => !isSqlFragment(f) || f.chunks.length === 0;

/** `sql`: class as declared (default `data`); reversible only with `down`. */
export const sqlDefinition: OperationDefinition<SqlOperation> = {
  kind: 'sql',
  validate(op) {
    const s: Subject = { kind: 'sql', target: 'statement' };
    if (isEmpty(op.statement)) invalid(s, 'statement', 'must be non-empty SQL text or a sql`…` fragment');
    if (op.down !== undefined && isEmpty(op.down))
      invalid(s, 'down', 'must be non-empty SQL text or a sql`…` fragment');
    checkBoolean(s, 'transactional', op.transactional);
    checkOneOf(s, 'class', op.class, ['additive', 'destructive', 'transformative', 'data']);
  },
  classify: (op) => op.class ?? 'data',
  needsCapture: () => false,
  isReversible: (op) => op.down !== undefined,
  reverse: (op) =>
    op.down === undefined
      ? null
      : [
          {
            kind: 'sql',
            statement: op.down,
            ...(op.transactional === undefined ? {} : { transactional: op.transactional }),
          },
        ],
  describe: (op) => {
    // Dialect-neutral preview: names unquoted, values as `?`.
    const text = op.statement.chunks
      .map((c) => (c.kind === 'raw' ? c.text : c.kind === 'ident' ? c.names.join('.') : '?'))
      .join('')
      .trim()
      .replace(/\s+/g, ' ');
    return `sql: ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
  },
};
