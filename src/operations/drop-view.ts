import { dropCapture } from './captured.js';
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
    const c = dropCapture(op, captured, 'view');
    if ('done' in c) return c.done;
    return [
      {
        kind: 'createView',
        view: op.view,
        query: c.found.query,
        ...(Object.keys(c.found.options).length > 0 ? { options: c.found.options } : {}),
        ...(c.found.comment === null ? {} : { comment: c.found.comment }),
        note: `view ${formatName(op.view)}: re-created from its captured definition; privileges are not restored`,
      },
    ];
  },
  describe: (op) => `drop view ${formatName(op.view)}`,
};
