/** Comment changes of any object: one `COMMENT ON` each, its reverse the old comment. */
import { type CommentTarget, commentSql } from '../ddl/comments.js';
import { type ChangeTarget, type SchemaChange, sqlChange } from './change.js';

/**
 * The change that turns comment `from` into `to` on an object, or none when they are equal.
 *
 * @example
 * commentChange('TABLE', '"app"."users"', null, 'people', { kind: 'table', name: users })
 */
export function commentChange(
  target: CommentTarget,
  name: string,
  from: string | null,
  to: string | null,
  object: ChangeTarget,
): SchemaChange[] {
  if (from === to) return [];
  return [
    sqlChange('comments', object, commentSql(target, name, to), {
      down: commentSql(target, name, from),
      class: 'additive',
    }),
  ];
}
