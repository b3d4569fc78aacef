/**
 * What follows a table rename: PostgreSQL keeps the names of the table's constraints and indexes,
 * so `people_pkey` stays `people_pkey` on the table now called `users`. A constraint or index
 * named after the old table (`people_…`) whose counterpart named after the new one (`users_…`) has
 * the same definition is renamed with it, instead of being dropped and built again.
 */
import { q, qn } from '../ddl/quote.js';
import type { Constraint, ObjectName, Table } from '../model.js';
import { nameOf, type SchemaChange, sqlChange } from './change.js';

/** A member's rename as SQL, its reverse the rename back. */
const renameChange = (
  kind: 'constraint' | 'index',
  table: ObjectName,
  from: string,
  to: string,
  rename: (a: string, b: string) => string,
): SchemaChange =>
  sqlChange('renameTables', { kind, name: nameOf(table), member: to }, rename(from, to), {
    down: rename(to, from),
  });

/** The renames, and `from` with its members carrying their new names (to diff against `to`). */
export function followTableRename(
  table: ObjectName,
  from: Table,
  to: Table,
): { changes: SchemaChange[]; renamed: Table } {
  if (from.name === to.name) return { changes: [], renamed: from };
  const newName = (name: string) =>
    name.startsWith(`${from.name}_`) ? `${to.name}_${name.slice(from.name.length + 1)}` : null;
  const changes: SchemaChange[] = [];
  const constraintNames = new Map<string, string>();
  for (const c of from.constraints) {
    const target = newName(c.name);
    const match = to.constraints.find((n) => n.name === target);
    if (target === null || match === undefined || match.definition !== c.definition) continue;
    if (to.constraints.some((n) => n.name === c.name)) continue;
    constraintNames.set(c.name, target);
    changes.push(
      renameChange(
        'constraint',
        table,
        c.name,
        target,
        (a, b) => `ALTER TABLE ${qn(table)} RENAME CONSTRAINT ${q(a)} TO ${q(b)}`,
      ),
    );
  }
  // An index backing a renamed constraint is renamed with it.
  const indexNames = new Map<string, string>();
  for (const i of from.indexes) {
    if (i.constraint !== null) {
      const renamedConstraint = constraintNames.get(i.constraint);
      if (renamedConstraint !== undefined && i.name === i.constraint)
        indexNames.set(i.name, renamedConstraint);
      continue;
    }
    const target = newName(i.name);
    const match = to.indexes.find((n) => n.name === target);
    if (
      target === null ||
      match === undefined ||
      match.definition !== i.definition ||
      match.unique !== i.unique
    )
      continue;
    if (to.indexes.some((n) => n.name === i.name)) continue;
    indexNames.set(i.name, target);
    changes.push(
      renameChange(
        'index',
        table,
        i.name,
        target,
        (a, b) => `ALTER INDEX ${qn({ schema: table.schema, name: a })} RENAME TO ${q(b)}`,
      ),
    );
  }
  const renamed: Table = {
    ...from,
    constraints: from.constraints.map((c) => {
      const name = constraintNames.get(c.name);
      const index = c.index === null ? null : (indexNames.get(c.index) ?? c.index);
      return { ...c, name: name ?? c.name, index };
    }),
    indexes: from.indexes.map((i) => ({
      ...i,
      name: indexNames.get(i.name) ?? i.name,
      constraint: i.constraint === null ? null : (constraintNames.get(i.constraint) ?? i.constraint),
    })),
  };
  return { changes, renamed };
}

const PLAIN = /^[a-z_][a-z0-9_$]*$/;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` as the server prints it once column `from` is renamed to `to`: the column's name replaced
 * where it stands alone (not after a dot, not inside a longer name).
 *
 * @example
 * renameInText('lower((mail)::text)', 'mail', 'email') // 'lower((email)::text)'
 */
export function renameInText(text: string, from: string, to: string): string {
  const old = PLAIN.test(from) ? escapeRegExp(from) : escapeRegExp(q(from));
  const now = PLAIN.test(to) ? to : q(to);
  return text.replace(
    new RegExp(`(^|[^\\w$."])${old}(?=$|[^\\w$"])`, 'g'),
    (_m, before: string) => before + now,
  );
}

/**
 * `from` with its members' printed texts as they read after the column renames (`old` → `new`),
 * so that what only a rename changed compares equal. Only members that read a renamed column
 * ({@link Constraint.dependsOn} and the like) are rewritten.
 */
export function followColumnRenames(from: Table, renames: ReadonlyMap<string, string>): Table {
  if (renames.size === 0) return from;
  const rewrite = (text: string, uses: readonly string[]) => {
    let out = text;
    for (const [a, b] of renames) if (uses.includes(a)) out = renameInText(out, a, b);
    return out;
  };
  const names = (list: readonly string[]) => list.map((c) => renames.get(c) ?? c);
  return {
    ...from,
    constraints: from.constraints.map((c) => ({
      ...c,
      definition: rewrite(c.definition, c.dependsOn),
      columns: names(c.columns),
      dependsOn: names(c.dependsOn),
    })),
    indexes: from.indexes.map((i) => ({
      ...i,
      definition: rewrite(i.definition, i.dependsOn),
      predicate: i.predicate === null ? null : rewrite(i.predicate, i.dependsOn),
      columns: names(i.columns),
      dependsOn: names(i.dependsOn),
    })),
    policies: from.policies.map((p) => ({
      ...p,
      using: p.using === null ? null : rewrite(p.using, p.dependsOn),
      check: p.check === null ? null : rewrite(p.check, p.dependsOn),
      dependsOn: names(p.dependsOn),
    })),
    triggers: from.triggers.map((t) => ({
      ...t,
      fires: rewrite(t.fires, t.dependsOn),
      action: rewrite(t.action, t.dependsOn),
      columns: names(t.columns),
      dependsOn: names(t.dependsOn),
    })),
  };
}
