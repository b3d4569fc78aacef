import { objectWord } from '../kinds.js';
import type { Rule } from '../rule.js';

const OTHER: ReadonlySet<string> = new Set([
  'OBJECT_SCHEMA',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_FUNCTION',
  'OBJECT_PROCEDURE',
  'OBJECT_TYPE',
  'OBJECT_DOMAIN',
  'OBJECT_SEQUENCE',
  'OBJECT_ATTRIBUTE',
  'OBJECT_FOREIGN_TABLE',
]);

/**
 * `RENAME` of a schema, view, function, type or sequence: code using the old name breaks. Tables
 * and columns have their own rules. squawk: renaming-object; strong_migrations: rename_schema.
 */
export const renamingObject: Rule = {
  id: 'renaming-object',
  severity: 'warning',
  summary: 'RENAME of a schema, view, function, type or sequence breaks code that uses the old name',
  check(ctx) {
    if (!('RenameStmt' in ctx.node)) return;
    const s = ctx.node.RenameStmt;
    if (!OTHER.has(s.renameType ?? '')) return;
    const word = objectWord(s.renameType).toLowerCase();
    ctx.report({
      message: `Renaming this ${word} to ${s.newname ?? ''} breaks every running query or call that uses the old name.`,
      help: `Create the ${word} under the new name next to the old one, move every user to it, then drop the old one.`,
    });
  },
};
