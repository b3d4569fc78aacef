/** Privileges: revoked first, granted last (after the objects exist). */
import { grantKey, grantSql, revokeSql } from '../ddl/grants.js';
import type { Grant, ObjectName, SchemaModel } from '../model.js';
import { nameOf, type SchemaChange, sqlChange } from './change.js';

const object = (g: Grant) => ({
  kind: 'grant' as const,
  name: nameOf(g.on.name),
  member: `${g.privilege} to ${g.grantee}`,
});

/** The `on` of a grant as a key: `routine app.f(integer)`. */
const objectKey = (g: Grant) =>
  `${g.on.kind === 'view' ? 'table' : g.on.kind} ${g.on.name.schema}.${g.on.name.name}(${g.on.arguments ?? ''})`;

/**
 * Objects the other changes drop and create again (a re-created view, a routine with a new result
 * type, a domain with a new base type, an enum that lost a label), as {@link objectKey}s: their
 * privileges are granted again.
 */
export function recreatedObjects(changes: readonly SchemaChange[], to: SchemaModel): Set<string> {
  const out = new Set<string>();
  for (const c of changes) {
    const name = c.object.name;
    const text =
      c.operation.kind === 'sql'
        ? c.operation.statement.chunks.map((k) => (k.kind === 'raw' ? k.text : '')).join('')
        : '';
    if (c.phase === 'dropViews' && to.views.some((v) => v.schema === name.schema && v.name === name.name))
      out.add(`table ${name.schema}.${name.name}()`);
    else if (c.object.kind === 'routine' && c.phase.startsWith('create') && text.startsWith('DROP '))
      out.add(`routine ${name.schema}.${name.name}(${c.object.member ?? ''})`);
    else if (
      (c.object.kind === 'domain' && text.startsWith('DROP ')) ||
      (c.object.kind === 'enum' && /^ALTER TYPE .* RENAME TO /.test(text))
    )
      out.add(`type ${name.schema}.${name.name}()`);
  }
  return out;
}

/** Every object of a model a grant can be on, as {@link objectKey}s. */
function objectsOf(m: SchemaModel): Set<string> {
  const key = (kind: string, o: { schema: string; name: string }, args = '') =>
    `${kind} ${o.schema}.${o.name}(${args})`;
  return new Set([
    ...m.schemas.map((s) => key('schema', { schema: s.name, name: s.name })),
    ...[...m.tables, ...m.views].map((t) => key('table', t)),
    ...m.sequences.map((s) => key('sequence', s)),
    ...m.routines.map((r) => key('routine', r, r.identityArguments)),
    ...[...m.enums, ...m.domains, ...m.composites].map((t) => key('type', t)),
  ]);
}

/** What PostgreSQL grants on a new object by itself: EXECUTE on routines and USAGE on types, to public. */
const isDefault = (g: Grant) =>
  g.grantee === 'public' &&
  !g.grantable &&
  ((g.on.kind === 'routine' && g.privilege === 'EXECUTE') ||
    (g.on.kind === 'type' && g.privilege === 'USAGE'));

/**
 * Whether a model's grants were read: a model read without them (`IntrospectOptions.grants`) lists
 * none, not even the defaults every routine and type has (a model with neither lists none anyway).
 */
export const grantsRead = (m: SchemaModel): boolean =>
  m.grants.length > 0 || m.routines.length + m.enums.length + m.domains.length + m.composites.length === 0;

/**
 * Every grant change between two models (a changed grant option is revoked and granted again).
 * Compared only when `to`'s grants were read ({@link grantsRead}).
 */
export function diffGrants(
  from: SchemaModel,
  to: SchemaModel,
  recreated: ReadonlySet<string> = new Set(),
): SchemaChange[] {
  if (!grantsRead(to)) return [];
  const out: SchemaChange[] = [];
  const old = new Map(from.grants.map((g) => [grantKey(g), g]));
  const now = new Map(to.grants.map((g) => [grantKey(g), g]));
  const exists = (m: SchemaModel) => (g: Grant) => objectsOf(m).has(objectKey(g));
  const kept = (g: Grant) => exists(to)(g) && !recreated.has(objectKey(g));
  const existed = (g: Grant) => exists(from)(g) && !recreated.has(objectKey(g));
  for (const [key, g] of old) {
    const after = now.get(key);
    // A dropped object takes its privileges with it.
    if (!kept(g)) continue;
    if (after === undefined || after.grantable !== g.grantable)
      out.push(sqlChange('revokeGrants', object(g), revokeSql(g), { down: grantSql(g) }));
  }
  for (const [key, g] of now) {
    const before = old.get(key);
    // A new object comes with its default privileges.
    if (!existed(g) && isDefault(g)) continue;
    if (before === undefined || before.grantable !== g.grantable || !existed(g))
      out.push(sqlChange('grants', object(g), grantSql(g), { down: revokeSql(g), class: 'additive' }));
  }
  // A new (or re-created) object's default privileges that `to` has revoked.
  for (const d of defaultsOf(to)) {
    if (existed(d) || now.has(grantKey(d))) continue;
    out.push(sqlChange('grants', object(d), revokeSql(d), { down: grantSql(d) }));
  }
  return out;
}

/** The privileges PostgreSQL grants by itself on each routine and type of a model. */
function defaultsOf(m: SchemaModel): Grant[] {
  const to = (kind: 'routine' | 'type', privilege: string, name: ObjectName, args?: string): Grant => ({
    on: { kind, name: nameOf(name), ...(args === undefined ? {} : { arguments: args }) },
    grantee: 'public',
    privilege,
    grantable: false,
  });
  return [
    ...m.routines.map((r) => to('routine', 'EXECUTE', r, r.identityArguments)),
    ...[...m.enums, ...m.domains, ...m.composites].map((t) => to('type', 'USAGE', t)),
  ];
}
