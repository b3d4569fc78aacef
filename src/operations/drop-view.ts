import { formatName, toName } from './names.js';
import type { OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkBoolean, checkQualified, subject } from './validate.js';

/** `DROP VIEW`. Reversible from the captured `pg_get_viewdef` unless `cascade` dropped dependents. */
export interface DropViewOperation extends OperationBase {
  kind: 'dropView';
  view: QualifiedName;
  ifExists?: boolean;
  cascade?: boolean;
}

/**
 * Builds a `dropView` operation.
 *
 * @example
 * dropView('active_users')
 */
export function dropView(
  view: TableRef,
  options: { ifExists?: boolean; cascade?: boolean } = {},
): DropViewOperation {
  return { kind: 'dropView', view: toName(view), ...options };
}

/** `dropView`: destructive; reversed from the captured query, options and comment. */
export const dropViewDefinition: OperationDefinition<DropViewOperation> = {
  kind: 'dropView',
  validate(op) {
    const s = subject(op.kind, op.view);
    checkQualified(s, 'view', op.view);
    checkBoolean(s, 'ifExists', op.ifExists);
    checkBoolean(s, 'cascade', op.cascade);
  },
  classify: () => 'destructive',
  needsCapture: (op) => op.cascade !== true,
  isReversible: (op) => op.cascade !== true,
  reverse(op, captured) {
    if (op.cascade === true || captured === undefined) return null;
    if (captured === null) return op.ifExists ? [] : null;
    if (captured.kind !== 'view') return null;
    return [
      {
        kind: 'createView',
        view: op.view,
        query: captured.query,
        ...(Object.keys(captured.options).length > 0 ? { options: captured.options } : {}),
        ...(captured.comment === null ? {} : { comment: captured.comment }),
        note: `view ${formatName(op.view)}: re-created from its captured definition; privileges are not restored`,
      },
    ];
  },
  describe: (op) => `drop view ${formatName(op.view)}`,
};
