/**
 * Views and materialized views. A view whose query or options changed is dropped and created again
 * (`OR REPLACE` cannot drop or reorder columns), and so is every view that reads a table whose
 * columns change, and every view that reads a view being re-created: they are dropped before the
 * columns change and created after. Which objects a query reads is found by the names it mentions,
 * so a view may be re-created without need, never left depending on a changed column.
 */
import type { CreateViewOperation } from '../../operations/create-view.js';
import { commentSql } from '../ddl/comments.js';
import { keyOf, q, qn } from '../ddl/quote.js';
import { createViewSql, dropViewSql } from '../ddl/views.js';
import type { SchemaModel, View } from '../model.js';
import { byName, change, nameOf, type SchemaChange, same, sqlChange } from './change.js';
import { commentChange } from './comments.js';
import { diffIndexes } from './indexes.js';
import { diffTriggerList } from './triggers.js';
import { dependencyOrder } from './order.js';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a printed query mentions an object by name (bare or quoted, qualified or not).
 *
 * @example
 * mentions('SELECT id FROM app.users', 'users') // true
 * mentions('SELECT id FROM app.users_old', 'users') // false
 */
export function mentions(query: string, name: string): boolean {
  const quoted = `"${name.replace(/"/g, '""')}"`;
  return new RegExp(`(^|[^\\w$"])(${escapeRegExp(name)}|${escapeRegExp(quoted)})($|[^\\w$"])`).test(query);
}

const definition = (v: View) => ({ query: v.query.trim(), options: v.options, materialized: v.materialized });

/** The changes that create view `v`. */
function create(v: View): SchemaChange[] {
  const object = { kind: 'view' as const, name: nameOf(v) };
  if (v.materialized) {
    const comment = v.comment === null ? '' : `;\n${commentSql('MATERIALIZED VIEW', qn(v), v.comment)}`;
    return [
      sqlChange('createViews', object, createViewSql(v) + comment, {
        down: dropViewSql(v),
        class: 'additive',
      }),
    ];
  }
  const op: CreateViewOperation = { kind: 'createView', view: nameOf(v), query: v.query.trim() };
  if (Object.keys(v.options).length > 0) op.options = { ...v.options };
  if (v.comment !== null) op.comment = v.comment;
  return [change('createViews', object, op)];
}

function drop(v: View): SchemaChange {
  const object = { kind: 'view' as const, name: nameOf(v) };
  return v.materialized
    ? sqlChange('dropViews', object, dropViewSql(v), { down: createViewSql(v), class: 'destructive' })
    : change('dropViews', object, { kind: 'dropView', view: nameOf(v) });
}

/**
 * What a view holds beside its query: a materialized view's indexes, its triggers, column comments,
 * and (for a view kept as it is) its own comment. `before` is null for a view just created.
 */
function members(v: View, before: View | null): SchemaChange[] {
  const object = { kind: 'view' as const, name: nameOf(v) };
  const out = diffIndexes(v, before?.indexes ?? [], v.indexes, 'createViewIndexes');
  // A view's triggers (INSTEAD OF) go with it when it is dropped; a re-created one gets them all again.
  out.push(...diffTriggerList(nameOf(v), before?.triggers ?? [], v.triggers));
  for (const c of v.columns) {
    const old = before?.columns.find((o) => o.name === c.name)?.comment ?? null;
    out.push(...commentChange('COLUMN', `${qn(v)}.${q(c.name)}`, old, c.comment, object));
  }
  if (before !== null)
    out.push(
      ...commentChange(
        v.materialized ? 'MATERIALIZED VIEW' : 'VIEW',
        qn(v),
        before.comment,
        v.comment,
        object,
      ),
    );
  return out;
}

/**
 * Every view change between two models; `reshaped` holds the tables (`schema.name`, old and new
 * names) whose columns change, whose views must be re-created.
 */
export function diffViews(from: SchemaModel, to: SchemaModel, reshaped: ReadonlySet<string>): SchemaChange[] {
  const old = byName(from.views);
  const now = byName(to.views);
  const rebuilt = new Set<string>();
  const tables = [...reshaped].map((k) => k.slice(k.indexOf('.') + 1));
  for (const v of from.views) {
    const after = now.get(keyOf(v));
    if (
      after !== undefined &&
      (!same(definition(v), definition(after)) || tables.some((t) => mentions(v.query, t)))
    )
      rebuilt.add(keyOf(v));
  }
  // Views reading a re-created or dropped view are re-created too.
  for (let grew = true; grew; ) {
    grew = false;
    for (const v of from.views) {
      if (rebuilt.has(keyOf(v)) || !now.has(keyOf(v))) continue;
      const reads = from.views.some(
        (o) => o !== v && (rebuilt.has(keyOf(o)) || !now.has(keyOf(o))) && mentions(v.query, o.name),
      );
      if (reads) {
        rebuilt.add(keyOf(v));
        grew = true;
      }
    }
  }
  const readsOf = (views: readonly View[]) => (v: View) =>
    views.filter((o) => o !== v && mentions(v.query, o.name));
  const out: SchemaChange[] = [];
  const dropped = from.views.filter((v) => !now.has(keyOf(v)) || rebuilt.has(keyOf(v)));
  for (const v of dependencyOrder(dropped, readsOf(dropped)).reverse()) out.push(drop(v));
  const created = to.views.filter((v) => !old.has(keyOf(v)) || rebuilt.has(keyOf(v)));
  for (const v of dependencyOrder(created, readsOf(to.views))) out.push(...create(v));
  for (const v of to.views) {
    const before = old.get(keyOf(v));
    const fresh = before === undefined || rebuilt.has(keyOf(v));
    out.push(...members(v, fresh ? null : before));
  }
  return out;
}
