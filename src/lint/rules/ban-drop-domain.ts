import { dropObjectRule } from '../rule-helpers.js';

/** `DROP DOMAIN`: code casting to it breaks, and with CASCADE its columns are dropped. squawk: ban-drop-domain. */
export const banDropDomain = dropObjectRule({
  id: 'ban-drop-domain',
  removeTypes: ['OBJECT_DOMAIN'],
  severity: 'warning',
  what: 'domain',
  why: 'code that casts to it breaks, and with CASCADE the columns of that domain are dropped with their data',
  help: 'Move every column off the domain in earlier migrations (ALTER COLUMN … TYPE to its base type), then drop it without CASCADE.',
});
