import { dropObjectRule } from '../rule-helpers.js';

/** `DROP SCHEMA`: everything in it goes (with CASCADE), its users break. squawk: ban-drop-schema. */
export const banDropSchema = dropObjectRule({
  id: 'ban-drop-schema',
  removeTypes: ['OBJECT_SCHEMA'],
  severity: 'error',
  what: 'schema',
  why: 'every query that uses its objects breaks, and with CASCADE all its tables and data go with it',
  help: 'Drop the objects one by one in migrations that each say why they are unused, then the empty schema without CASCADE.',
});
