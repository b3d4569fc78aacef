import { dropObjectRule } from '../rule-helpers.js';

/** `DROP TYPE`: columns and code using the type break. squawk: ban-drop-type. */
export const banDropType = dropObjectRule({
  id: 'ban-drop-type',
  removeTypes: ['OBJECT_TYPE'],
  severity: 'warning',
  what: 'type',
  why: 'code that casts to it or passes it breaks, and with CASCADE the columns of that type are dropped',
  help: 'Move every column and function off the type in earlier migrations, then drop it without CASCADE.',
});
