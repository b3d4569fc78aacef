/**
 * Triggers, rules and extended statistics of a table, as SQL with its reverse: created after the
 * functions and columns they use, dropped before them; a changed one is dropped and created again.
 */
import { commentSql } from '../ddl/comments.js';
import { q, qn } from '../ddl/quote.js';
import {
  createRuleSql,
  createStatisticsSql,
  createTriggerSql,
  dropRuleSql,
  dropStatisticsSql,
  dropTriggerSql,
  setTriggerEnabledSql,
  triggerEnabledSql,
} from '../ddl/triggers.js';
import type { ObjectName, Rule, Statistics, Table, Trigger } from '../model.js';
import { byMember, nameOf, type SchemaChange, same, sqlChange } from './change.js';
import { commentChange } from './comments.js';

/**
 * The create / drop changes of named members that are SQL only, for {@link diffTriggers} and
 * `policies.ts`: drop what went or changed, create what came or changed, then `extra` for the
 * members on both sides.
 */
export function diffMembers<T extends { name: string }>(
  from: readonly T[],
  to: readonly T[],
  kind: 'trigger' | 'policy' | 'rule' | 'statistics',
  table: ObjectName,
  sql: { create: (m: T) => string[]; drop: (m: T) => string; definition: (m: T) => unknown },
  extra: (before: T, after: T) => SchemaChange[] = () => [],
): SchemaChange[] {
  const out: SchemaChange[] = [];
  const old = byMember(from);
  const now = byMember(to);
  const object = (m: T) => ({ kind, name: nameOf(table), member: m.name });
  const drop = (m: T) =>
    sqlChange('dropTriggers', object(m), sql.drop(m), { down: sql.create(m).join(';\n') });
  const create = (m: T) =>
    sqlChange('createTriggers', object(m), sql.create(m).join(';\n'), {
      down: sql.drop(m),
      class: 'additive',
    });
  for (const m of from) if (!now.has(m.name)) out.push(drop(m));
  for (const m of to) {
    const before = old.get(m.name);
    if (before === undefined) out.push(create(m));
    else if (!same(sql.definition(before), sql.definition(m))) out.push(drop(before), create(m));
    else out.push(...extra(before, m));
  }
  return out;
}

const triggerCreate = (table: ObjectName) => (t: Trigger) => {
  const enabled = triggerEnabledSql(table, t);
  const comment =
    t.comment === null ? [] : [commentSql('TRIGGER', `${q(t.name)} ON ${qn(table)}`, t.comment)];
  return [createTriggerSql(table, t), ...(enabled === null ? [] : [enabled]), ...comment];
};

/**
 * Triggers of a table or view on both sides (`relation` named as in `to`): a changed one is dropped
 * and created again; one only enabled or disabled is toggled in place.
 */
export function diffTriggerList(
  relation: ObjectName,
  from: readonly Trigger[],
  to: readonly Trigger[],
): SchemaChange[] {
  return diffMembers(
    from,
    to,
    'trigger',
    relation,
    {
      create: triggerCreate(relation),
      drop: (t) => dropTriggerSql(relation, t.name),
      definition: (t) => [t.constraint, t.fires, t.action],
    },
    (before, after) => {
      const object = { kind: 'trigger' as const, name: nameOf(relation), member: after.name };
      const state =
        before.enabled === after.enabled
          ? []
          : [
              sqlChange('createTriggers', object, setTriggerEnabledSql(relation, after), {
                down: setTriggerEnabledSql(relation, before),
              }),
            ];
      return [
        ...state,
        ...commentChange(
          'TRIGGER',
          `${q(after.name)} ON ${qn(relation)}`,
          before.comment,
          after.comment,
          object,
        ),
      ];
    },
  );
}

/** Triggers, rules and statistics of a table on both sides (`table` named as in `to`). */
export function diffTriggers(table: ObjectName, from: Table, to: Table): SchemaChange[] {
  const triggers = diffTriggerList(table, from.triggers, to.triggers);
  const rules = diffMembers<Rule>(from.rules, to.rules, 'rule', table, {
    create: (r) => [createRuleSql(r)],
    drop: (r) => dropRuleSql(table, r.name),
    definition: (r) => r.definition,
  });
  const statistics = diffMembers<Statistics>(from.statistics, to.statistics, 'statistics', table, {
    create: (s) => [createStatisticsSql(s)],
    drop: (s) => dropStatisticsSql(s),
    definition: (s) => s.definition,
  });
  return [...triggers, ...rules, ...statistics];
}
