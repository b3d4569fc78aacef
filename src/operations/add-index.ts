import { defaultName, formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import {
  checkBoolean,
  checkComment,
  checkName,
  checkNames,
  checkQualified,
  checkSql,
  invalid,
  subject,
} from './validate.js';

/** An index key: a column name, or an expression such as `{ expression: 'lower(email)' }`. */
export type IndexColumn = string | { expression: string };

/**
 * `CREATE INDEX`.
 *
 * Safe by default: on a table that existed before the migration the index is built `CONCURRENTLY`
 * (writes continue; the statement runs outside a transaction, and an invalid index left by a failed
 * build is dropped before a retry). `concurrently: false` builds it in the transaction under a SHARE
 * lock that blocks writes for the whole build.
 */
export interface AddIndexOperation extends OperationBase {
  kind: 'addIndex';
  table: QualifiedName;
  name: string;
  /** Keys, or … */
  columns?: IndexColumn[];
  /** … the exact definition after `ON <table>` as PostgreSQL prints it (used to restore a dropped index). */
  definition?: string;
  unique?: boolean;
  /** Access method: `'btree'` (default), `'gin'`, `'gist'`, `'brin'`, `'hash'`. */
  method?: string;
  /** Covering columns (`INCLUDE`). */
  include?: string[];
  /** Partial index predicate. */
  where?: string;
  concurrently?: boolean;
  comment?: string;
}

/** Options of `db.addIndex`. */
export type AddIndexOptions = Partial<
  Pick<AddIndexOperation, 'name' | 'unique' | 'method' | 'include' | 'where' | 'concurrently' | 'comment'>
>;

/**
 * Builds an `addIndex` operation; the default name is PostgreSQL's (`users_email_idx`), at most
 * `maxNameBytes` long (the dialect's `maxIdentifierLength`).
 *
 * @example
 * addIndex('users', ['email'], { unique: true, where: 'deleted_at IS NULL' }, 63)
 */
export function addIndex(
  table: TableRef,
  columns: string | IndexColumn[],
  options: AddIndexOptions,
  maxNameBytes: number,
): AddIndexOperation {
  const t = toName(table);
  const keys = typeof columns === 'string' ? [columns] : columns;
  const plain = Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  // Expression keys have no good default name; validate() asks for one.
  const name =
    options.name ?? (plain.length === keys?.length ? defaultName(t.name, plain, 'idx', maxNameBytes) : '');
  return { kind: 'addIndex', table: t, columns: keys, ...options, name };
}

/** `addIndex`: additive (transformative when unique: it can reject writes); reversed by dropping it. */
export const addIndexDefinition: OperationDefinition<AddIndexOperation> = {
  kind: 'addIndex',
  validate(op) {
    const s = subject(op.kind, op.table, op.name || undefined);
    checkQualified(s, 'table', op.table);
    if (op.name === '') invalid(s, 'name', 'is required when a key is an expression');
    checkName(s, 'name', op.name);
    if ((op.columns === undefined) === (op.definition === undefined))
      invalid(s, 'columns', 'or `definition` is required (not both)');
    if (op.definition !== undefined) {
      checkSql(s, 'definition', op.definition, "'USING btree (email)'");
      for (const k of ['method', 'include', 'where'] as const) {
        if (op[k] !== undefined) invalid(s, k, 'cannot be combined with `definition`');
      }
    }
    if (op.columns !== undefined) {
      if (!Array.isArray(op.columns) || op.columns.length === 0)
        invalid(s, 'columns', 'must list at least one key');
      op.columns.forEach((k, i) => {
        if (typeof k === 'string') checkName(s, `columns[${i}]`, k);
        else checkSql(s, `columns[${i}].expression`, k?.expression, "'lower(email)'");
      });
    }
    checkBoolean(s, 'unique', op.unique);
    checkBoolean(s, 'concurrently', op.concurrently);
    if (op.method !== undefined) checkName(s, 'method', op.method);
    if (op.include !== undefined) checkNames(s, 'include', op.include);
    if (op.where !== undefined) checkSql(s, 'where', op.where, "'deleted_at IS NULL'");
    checkComment(s, 'comment', op.comment);
  },
  classify: (op) => (op.unique ? 'transformative' : 'additive'),
  needsCapture: () => false,
  isReversible: () => true,
  reverse: (op) => [{ kind: 'dropIndex', table: op.table, name: op.name }],
  describe: (op) => `add ${op.unique ? 'unique ' : ''}index ${op.name} on ${formatName(op.table)}`,
};
