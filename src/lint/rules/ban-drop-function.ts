import { dropObjectRule } from '../rule-helpers.js';

/** `DROP FUNCTION` / `PROCEDURE`: callers, triggers and defaults that use it break. squawk: ban-drop-function. */
export const banDropFunction = dropObjectRule({
  id: 'ban-drop-function',
  removeTypes: ['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE'],
  severity: 'warning',
  what: 'function',
  why: 'running code, triggers and defaults that call it break',
  help: 'To change a function, use CREATE OR REPLACE FUNCTION with the same signature. To remove one, deploy code that no longer calls it first.',
});
