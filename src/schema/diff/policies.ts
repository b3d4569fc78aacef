/** Row-level security: the table's switches and its policies, as SQL with its reverse. */
import { commentSql } from '../ddl/comments.js';
import { q, qn } from '../ddl/quote.js';
import { forceRowSecuritySql, rowSecuritySql } from '../ddl/tables.js';
import { createPolicySql, dropPolicySql } from '../ddl/triggers.js';
import type { ObjectName, Policy, Table } from '../model.js';
import { nameOf, type SchemaChange, sqlChange } from './change.js';
import { commentChange } from './comments.js';
import { diffMembers } from './triggers.js';

/** Policies and RLS switches of a table on both sides (`table` named as in `to`). */
export function diffPolicies(table: ObjectName, from: Table, to: Table): SchemaChange[] {
  const named = { ...to, ...nameOf(table) };
  const object = { kind: 'table' as const, name: nameOf(table) };
  const out: SchemaChange[] = [];
  if (from.rowSecurity !== to.rowSecurity)
    out.push(
      sqlChange('createTriggers', object, rowSecuritySql(named, to.rowSecurity), {
        down: rowSecuritySql(named, from.rowSecurity),
      }),
    );
  if (from.forceRowSecurity !== to.forceRowSecurity)
    out.push(
      sqlChange('createTriggers', object, forceRowSecuritySql(named, to.forceRowSecurity), {
        down: forceRowSecuritySql(named, from.forceRowSecurity),
      }),
    );
  out.push(
    ...diffMembers<Policy>(
      from.policies,
      to.policies,
      'policy',
      table,
      {
        create: (p) => [
          createPolicySql(table, p),
          ...(p.comment === null ? [] : [commentSql('POLICY', `${q(p.name)} ON ${qn(table)}`, p.comment)]),
        ],
        drop: (p) => dropPolicySql(table, p.name),
        definition: (p) => [p.permissive, p.command, p.roles, p.using, p.check],
      },
      (before, after) =>
        commentChange('POLICY', `${q(after.name)} ON ${qn(table)}`, before.comment, after.comment, {
          kind: 'policy',
          name: nameOf(table),
          member: after.name,
        }),
    ),
  );
  return out;
}
