import { dropObjectRule } from '../rule-helpers.js';

/** `DROP SEQUENCE`: defaults that call nextval() on it fail. squawk: ban-drop-sequence. */
export const banDropSequence = dropObjectRule({
  id: 'ban-drop-sequence',
  removeTypes: ['OBJECT_SEQUENCE'],
  severity: 'warning',
  what: 'sequence',
  why: 'inserts whose default calls nextval() on it fail, and its current value is lost',
  help: 'Remove every default and code path that uses the sequence first, then drop it.',
});
