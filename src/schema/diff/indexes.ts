/**
 * Indexes that back no constraint (those come and go with their constraint): `addIndex` /
 * `dropIndex`, a changed one dropped and built again. An index whose printed definition is plain
 * columns becomes `addIndex` with columns, method, include and where, the way an author writes it;
 * anything else keeps the exact printed definition.
 */
import type { AddIndexOperation } from '../../operations/add-index.js';
import { qn } from '../ddl/quote.js';
import type { Index, ObjectName } from '../model.js';
import { byMember, change, nameOf, type SchemaChange } from './change.js';
import { commentChange } from './comments.js';
import type { Phase } from './order.js';

const IDENT = /^(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")$/;
const unquote = (k: string) => (k.startsWith('"') ? k.slice(1, -1).replace(/""/g, '"') : k);
const keys = (list: string) => list.split(', ').map((k) => k.trim());

/**
 * `USING btree (a, b) INCLUDE (c) WHERE (x IS NULL)` as typed options; null when a key is an
 * expression, has an order or an operator class.
 *
 * @example
 * plainIndex('USING gin (tags)') // { method: 'gin', columns: ['tags'] }
 */
export function plainIndex(
  definition: string,
): { method: string; columns: string[]; include?: string[]; where?: string } | null {
  const m = /^USING (\w+) \(([^()]*)\)(?: INCLUDE \(([^()]*)\))?(?: WHERE (.+))?$/s.exec(definition);
  if (m === null) return null;
  const columns = keys(m[2]!);
  const include = m[3] === undefined ? undefined : keys(m[3]);
  if (![...columns, ...(include ?? [])].every((k) => IDENT.test(k))) return null;
  return {
    method: m[1]!,
    columns: columns.map(unquote),
    ...(include === undefined ? {} : { include: include.map(unquote) }),
    ...(m[4] === undefined ? {} : { where: m[4] }),
  };
}

/** The typed operation that builds index `i` on `table`. */
export function addIndexOperation(table: ObjectName, i: Index): AddIndexOperation {
  const plain = plainIndex(i.definition);
  const op: AddIndexOperation = { kind: 'addIndex', table: nameOf(table), name: i.name };
  if (plain === null) op.definition = i.definition;
  else {
    op.columns = plain.columns;
    if (plain.method !== 'btree') op.method = plain.method;
    if (plain.include !== undefined) op.include = plain.include;
    if (plain.where !== undefined) op.where = plain.where;
  }
  if (i.unique) op.unique = true;
  if (i.comment !== null) op.comment = i.comment;
  return op;
}

const standalone = (indexes: readonly Index[]) => indexes.filter((i) => i.constraint === null);

/**
 * Indexes of a table (or a materialized view) on both sides (`table` named as in `to`); those
 * backing a constraint are the constraint's business.
 */
export function diffIndexes(
  table: ObjectName,
  from: readonly Index[],
  to: readonly Index[],
  createPhase: Phase = 'createIndexes',
): SchemaChange[] {
  const out: SchemaChange[] = [];
  const old = byMember(standalone(from));
  const now = byMember(standalone(to));
  const object = (name: string) => ({ kind: 'index' as const, name: nameOf(table), member: name });
  const drop = (i: Index) =>
    change('dropIndexes', object(i.name), { kind: 'dropIndex', table: nameOf(table), name: i.name });
  const add = (i: Index) => change(createPhase, object(i.name), addIndexOperation(table, i));
  for (const i of old.values()) if (!now.has(i.name)) out.push(drop(i));
  for (const i of now.values()) {
    const before = old.get(i.name);
    if (before === undefined) out.push(add(i));
    else if (before.definition !== i.definition || before.unique !== i.unique) out.push(drop(before), add(i));
    else {
      const name = qn({ schema: table.schema, name: i.name });
      out.push(...commentChange('INDEX', name, before.comment, i.comment, object(i.name)));
    }
  }
  return out;
}
