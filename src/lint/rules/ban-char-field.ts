import { ident } from '../print.js';
import { columnTypeRule } from '../rule-helpers.js';

/** `char(n)` pads with spaces and is no faster than text. squawk: ban-char-field. */
export const banCharField = columnTypeRule({
  id: 'ban-char-field',
  severity: 'warning',
  summary: 'char(n) column',
  match: (t) => t.name === 'bpchar',
  message: (s) =>
    `Column ${ident(s.column)} is char(${s.type.mods[0] ?? 1}): it pads values with spaces, compares surprisingly, and is no faster than text.`,
  help: (s) =>
    `Use text${s.type.mods[0] ? ` with CHECK (char_length(${ident(s.column)}) = ${s.type.mods[0]})` : ''} instead of char(n).`,
});
