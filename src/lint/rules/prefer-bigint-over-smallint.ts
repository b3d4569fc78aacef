import { ident } from '../print.js';
import { columnTypeRule } from '../rule-helpers.js';

/** 16-bit integer columns run out at 32,767. squawk: prefer-bigint-over-smallint. */
export const preferBigintOverSmallint = columnTypeRule({
  id: 'prefer-bigint-over-smallint',
  severity: 'warning',
  summary: 'smallint (int2) or smallserial column',
  match: (t) => !t.array && (t.name === 'int2' || t.name === 'smallserial' || t.name === 'serial2'),
  message: (s) =>
    `Column ${ident(s.column)} is a 16-bit integer: it overflows at 32,767, and widening it later rewrites the table.`,
  help: () => 'Use bigint (or integer when the range is known to stay small).',
});
