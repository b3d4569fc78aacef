import { dropObjectRule } from '../rule-helpers.js';

/** `DROP VIEW` / `DROP MATERIALIZED VIEW`: queries that read it break. squawk: ban-drop-view. */
export const banDropView = dropObjectRule({
  id: 'ban-drop-view',
  removeTypes: ['OBJECT_VIEW', 'OBJECT_MATVIEW'],
  severity: 'warning',
  what: 'view',
  why: 'running code that reads it breaks',
  help: 'To change a view, use CREATE OR REPLACE VIEW (same columns first, new ones last). To remove one, deploy code that no longer reads it first.',
});
