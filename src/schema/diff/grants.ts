/** Privileges: revoked first, granted last (after the objects exist). */
import { grantKey, grantSql, revokeSql } from '../ddl/grants.js';
import type { Grant, SchemaModel } from '../model.js';
import { nameOf, type SchemaChange, sqlChange } from './change.js';

const object = (g: Grant) => ({
  kind: 'grant' as const,
  name: nameOf(g.on.name),
  member: `${g.privilege} to ${g.grantee}`,
});

/** Every grant change between two models (a changed grant option is revoked and granted again). */
export function diffGrants(from: SchemaModel, to: SchemaModel): SchemaChange[] {
  const out: SchemaChange[] = [];
  const old = new Map(from.grants.map((g) => [grantKey(g), g]));
  const now = new Map(to.grants.map((g) => [grantKey(g), g]));
  for (const [key, g] of old) {
    const after = now.get(key);
    if (after === undefined || after.grantable !== g.grantable)
      out.push(sqlChange('revokeGrants', object(g), revokeSql(g), { down: grantSql(g) }));
  }
  for (const [key, g] of now) {
    const before = old.get(key);
    if (before === undefined || before.grantable !== g.grantable)
      out.push(sqlChange('grants', object(g), grantSql(g), { down: revokeSql(g), class: 'additive' }));
  }
  return out;
}
