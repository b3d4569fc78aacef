import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import {
  checkBoolean,
  checkComment,
  checkNames,
  checkQualified,
  checkSql,
  invalid,
  subject,
} from './validate.js';

/** `CREATE [OR REPLACE] VIEW`. */
export interface CreateViewOperation extends OperationBase {
  kind: 'createView';
  view: QualifiedName;
  /** The `SELECT` as written by the author. */
  query: string;
  /** Column names of the view. */
  columns?: string[];
  /** `OR REPLACE`: the previous definition is captured so the reverse restores it. */
  orReplace?: boolean;
  /** View options: `{ check_option: 'local', security_barrier: 'true' }`. */
  options?: Record<string, string>;
  comment?: string;
}

/** Options of `db.createView`. */
export type CreateViewOptions = Pick<CreateViewOperation, 'columns' | 'orReplace' | 'options' | 'comment'>;

/**
 * Builds a `createView` operation.
 *
 * @example
 * createView('active_users', 'SELECT * FROM users WHERE deleted_at IS NULL')
 */
export function createView(
  view: TableRef,
  query: string,
  options: CreateViewOptions = {},
): CreateViewOperation {
  return { kind: 'createView', view: toName(view), query, ...options };
}

/** `createView`: additive (transformative with `orReplace`); reversed by dropping it or restoring the old one. */
export const createViewDefinition: OperationDefinition<CreateViewOperation> = {
  kind: 'createView',
  validate(op) {
    const s = subject(op.kind, op.view);
    checkQualified(s, 'view', op.view);
    checkSql(s, 'query', op.query, "'SELECT * FROM users'");
    if (op.columns !== undefined) checkNames(s, 'columns', op.columns);
    checkBoolean(s, 'orReplace', op.orReplace);
    if (op.options !== undefined) {
      if (typeof op.options !== 'object' || op.options === null)
        invalid(s, 'options', 'must be an object of strings');
      for (const [k, v] of Object.entries(op.options)) {
        if (!/^[a-z_]+$/.test(k)) invalid(s, `options.${k}`, 'is not a view option name');
        if (typeof v !== 'string') invalid(s, `options.${k}`, 'must be a string');
      }
    }
    checkComment(s, 'comment', op.comment);
  },
  classify: (op) => (op.orReplace ? 'transformative' : 'additive'),
  needsCapture: (op) => op.orReplace === true,
  isReversible: () => true,
  reverse(op, captured) {
    const drop = { kind: 'dropView' as const, view: op.view };
    if (!op.orReplace) return [drop];
    if (captured === undefined) return null;
    if (captured === null) return [drop];
    if (captured.kind !== 'view') return null;
    // Drop and re-create: OR REPLACE cannot remove columns the new definition added.
    return [
      drop,
      {
        kind: 'createView',
        view: op.view,
        query: captured.query,
        ...(Object.keys(captured.options).length > 0 ? { options: captured.options } : {}),
        ...(captured.comment === null ? {} : { comment: captured.comment }),
      },
    ];
  },
  describe: (op) => `create view ${formatName(op.view)}`,
};
