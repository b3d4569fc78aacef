import { ident } from '../print.js';
import { columnTypeRule } from '../rule-helpers.js';

/** varchar(n): raising the limit is cheap, lowering it rewrites; a CHECK is easier to change. squawk: prefer-text-field. */
export const preferTextField = columnTypeRule({
  id: 'prefer-text-field',
  severity: 'warning',
  summary: 'varchar(n) column',
  match: (t) => t.name === 'varchar' && t.mods.length > 0,
  message: (s) =>
    `Column ${ident(s.column)} is varchar(${s.type.mods[0]}): changing the limit later takes an ACCESS EXCLUSIVE lock (and a full scan or rewrite to lower it).`,
  help: (s) =>
    `Use text, with CHECK (char_length(${ident(s.column)}) <= ${s.type.mods[0]}) if the limit matters: a check constraint can be replaced NOT VALID without blocking.`,
});
