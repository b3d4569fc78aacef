/** Views and materialized views as printed DDL. */
import type { View } from '../model.js';
import { q, qn } from './quote.js';

const withOptions = (v: View): string => {
  const entries = Object.entries(v.options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0
    ? ''
    : ` WITH (${entries.map(([k, value]) => `${q(k)} = ${value}`).join(', ')})`;
};

/**
 * `CREATE [MATERIALIZED] VIEW "s"."v" [WITH (…)] AS <query>`.
 *
 * @example
 * createViewSql(activeUsers) // CREATE VIEW "app"."active_users" AS SELECT …
 */
export const createViewSql = (v: View): string =>
  `CREATE ${v.materialized ? 'MATERIALIZED ' : ''}VIEW ${qn(v)}${withOptions(v)} AS ${v.query.trim()}`;

/** `DROP [MATERIALIZED] VIEW "s"."v"`. */
export const dropViewSql = (v: View): string => `DROP ${v.materialized ? 'MATERIALIZED ' : ''}VIEW ${qn(v)}`;
