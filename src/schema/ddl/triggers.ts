/** Triggers, policies, rules and extended statistics: the objects hanging off a table. */
import type { ObjectName, Policy, Rule, Statistics, Trigger } from '../model.js';
import { q, qn } from './quote.js';

/**
 * `CREATE [CONSTRAINT] TRIGGER "t" <fires> ON "s"."t" <action>`.
 *
 * @example
 * createTriggerSql(users, touch) // CREATE TRIGGER "users_touch" BEFORE UPDATE ON "app"."users" FOR EACH ROW EXECUTE FUNCTION touch()
 */
export const createTriggerSql = (table: ObjectName, t: Trigger): string =>
  `CREATE ${t.constraint ? 'CONSTRAINT ' : ''}TRIGGER ${q(t.name)} ${t.fires} ON ${qn(table)} ${t.action}`;

/** `ALTER TABLE … ENABLE|DISABLE|ENABLE REPLICA|ENABLE ALWAYS TRIGGER "t"`: the trigger's state. */
export function setTriggerEnabledSql(table: ObjectName, t: Pick<Trigger, 'name' | 'enabled'>): string {
  const how = { origin: 'ENABLE', disabled: 'DISABLE', replica: 'ENABLE REPLICA', always: 'ENABLE ALWAYS' }[
    t.enabled
  ];
  return `ALTER TABLE ${qn(table)} ${how} TRIGGER ${q(t.name)}`;
}

/** {@link setTriggerEnabledSql}, or null for the state a new trigger has (`origin`). */
export const triggerEnabledSql = (table: ObjectName, t: Trigger): string | null =>
  t.enabled === 'origin' ? null : setTriggerEnabledSql(table, t);

/** `DROP TRIGGER "t" ON "s"."t"`. */
export const dropTriggerSql = (table: ObjectName, name: string): string =>
  `DROP TRIGGER ${q(name)} ON ${qn(table)}`;

const role = (r: string) => (r === 'public' ? 'PUBLIC' : q(r));

/**
 * `CREATE POLICY "p" ON "s"."t" AS PERMISSIVE FOR SELECT TO PUBLIC USING (…) WITH CHECK (…)`.
 *
 * @example
 * createPolicySql(users, adults)
 */
export function createPolicySql(table: ObjectName, p: Policy): string {
  let out = `CREATE POLICY ${q(p.name)} ON ${qn(table)} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'}`;
  out += ` FOR ${p.command.toUpperCase()} TO ${p.roles.map(role).join(', ')}`;
  if (p.using !== null) out += ` USING (${p.using})`;
  if (p.check !== null) out += ` WITH CHECK (${p.check})`;
  return out;
}

/** `DROP POLICY "p" ON "s"."t"`. */
export const dropPolicySql = (table: ObjectName, name: string): string =>
  `DROP POLICY ${q(name)} ON ${qn(table)}`;

/** The server's own `CREATE RULE …`, without its semicolon. */
export const createRuleSql = (r: Rule): string => r.definition.trim().replace(/;\s*$/, '');

/** `DROP RULE "r" ON "s"."t"`. */
export const dropRuleSql = (table: ObjectName, name: string): string =>
  `DROP RULE ${q(name)} ON ${qn(table)}`;

/** The server's own `CREATE STATISTICS …`. */
export const createStatisticsSql = (s: Statistics): string => s.definition.trim().replace(/;\s*$/, '');

/** `DROP STATISTICS "s"."n"`. */
export const dropStatisticsSql = (s: ObjectName): string => `DROP STATISTICS ${qn(s)}`;
