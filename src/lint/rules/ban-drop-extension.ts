import { dropObjectRule } from '../rule-helpers.js';

/** `DROP EXTENSION`: its functions, types and operators go, with whatever uses them. squawk: ban-drop-extension. */
export const banDropExtension = dropObjectRule({
  id: 'ban-drop-extension',
  removeTypes: ['OBJECT_EXTENSION'],
  severity: 'warning',
  what: 'extension',
  why: 'its functions, types and operators disappear, and with CASCADE so do the columns, indexes and defaults that use them',
  help: 'Remove every use of the extension (defaults, indexes, columns, code) first, then drop it without CASCADE.',
});
