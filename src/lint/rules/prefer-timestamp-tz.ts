import { ident } from '../print.js';
import { columnTypeRule } from '../rule-helpers.js';

/** timestamp without time zone: values lose their offset and depend on each client's TimeZone. squawk: prefer-timestamp-tz. */
export const preferTimestampTz = columnTypeRule({
  id: 'prefer-timestamp-tz',
  severity: 'warning',
  summary: 'timestamp without time zone column',
  match: (t) => t.name === 'timestamp',
  message: (s) =>
    `Column ${ident(s.column)} is timestamp without time zone: it stores wall-clock time, so its meaning depends on each client's TimeZone setting.`,
  help: () => 'Use timestamptz (timestamp with time zone): it stores an instant and converts on display.',
});
