/**
 * Small, typed helpers over the libpg-query AST (the `Node` union of @pgsql/types: one key per
 * node naming its type).
 */
import type { ColumnDef, Constraint, Node, RangeVar, TypeName } from 'libpg-query';
import { serialTypeName } from '../dialects/postgres/serial-types.js';

/** The node type name, e.g. `AlterTableStmt`. */
export function nodeType(node: Node): string {
  for (const key in node) return key;
  return '';
}

/** The `String` values of a name list (`[{String:{sval:'public'}}, {String:{sval:'t'}}]` → `['public','t']`). */
export function names(list: readonly Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of list ?? []) {
    if ('String' in n) out.push(n.String.sval ?? '');
    else if ('List' in n) out.push(...names(n.List.items));
  }
  return out;
}

/** A relation as written: `name` or `schema.name`. */
export function relationName(rv: RangeVar | undefined): string {
  if (!rv) return '';
  return rv.schemaname ? `${rv.schemaname}.${rv.relname ?? ''}` : (rv.relname ?? '');
}

/**
 * The key under which a relation is tracked: unqualified and `public.` names are the same table.
 *
 * @example
 * tableKey('public.users') === tableKey('users') // true
 */
export function tableKey(name: string): string {
  return name.startsWith('public.') ? name.slice('public.'.length) : name;
}

/** A relation's tracking key. */
export function relationKey(rv: RangeVar | undefined): string {
  return tableKey(relationName(rv));
}

/** The object names of a DropStmt (`DROP TABLE a, s.b` → `['a', 's.b']`). */
export function dropObjectNames(objects: readonly Node[] | undefined): string[] {
  const out: string[] = [];
  for (const o of objects ?? []) {
    if ('List' in o) out.push(names(o.List.items).join('.'));
    else if ('String' in o) out.push(o.String.sval ?? '');
    else if ('TypeName' in o) out.push(names(o.TypeName.names).join('.'));
    else if ('ObjectWithArgs' in o) out.push(names(o.ObjectWithArgs.objname).join('.'));
  }
  return out;
}

/** A column type reduced to what rules compare. */
export interface TypeInfo {
  /** Base type name, lowercased, without `pg_catalog.` (`int4`, `varchar`, `bpchar`, `serial`…). */
  name: string;
  /** Integer type modifiers, e.g. `[10]` for varchar(10), `[10, 2]` for numeric(10,2). */
  mods: number[];
  array: boolean;
  /** True when written with a schema other than pg_catalog (a user type that may shadow a name). */
  userSchema: boolean;
}

/** Reads a TypeName. */
export function typeInfo(tn: TypeName | undefined): TypeInfo {
  const parts = names(tn?.names);
  const last = (parts[parts.length - 1] ?? '').toLowerCase();
  const userSchema = parts.length > 1 && parts[0] !== 'pg_catalog';
  const mods: number[] = [];
  for (const m of tn?.typmods ?? []) {
    if ('A_Const' in m) mods.push(m.A_Const.ival?.ival ?? 0);
  }
  return { name: last, mods, array: (tn?.arrayBounds?.length ?? 0) > 0, userSchema };
}

const DISPLAY: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
};

/**
 * A type as SQL: `varchar(10)`, `integer[]`, `timestamptz`.
 *
 * @example
 * typeSql({ name: 'int4', mods: [], array: false, userSchema: false }) // 'integer'
 */
export function typeSql(t: TypeInfo): string {
  const base = DISPLAY[t.name] ?? serialTypeName(t.name) ?? t.name;
  const mods = t.mods.length > 0 ? `(${t.mods.join(', ')})` : '';
  return `${base}${mods}${t.array ? '[]' : ''}`;
}

/** The constraints of a column definition. */
export function columnConstraints(def: ColumnDef): Constraint[] {
  const out: Constraint[] = [];
  for (const c of def.constraints ?? []) if ('Constraint' in c) out.push(c.Constraint);
  return out;
}

/** The column definitions of a CREATE TABLE element list. */
export function columnDefs(elts: readonly Node[] | undefined): ColumnDef[] {
  const out: ColumnDef[] = [];
  for (const e of elts ?? []) if ('ColumnDef' in e) out.push(e.ColumnDef);
  return out;
}

/** The table constraints of a CREATE TABLE element list. */
export function tableConstraints(elts: readonly Node[] | undefined): Constraint[] {
  const out: Constraint[] = [];
  for (const e of elts ?? []) if ('Constraint' in e) out.push(e.Constraint);
  return out;
}

/** Column names referenced anywhere in an expression (for default constraint names). */
export function columnRefs(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) {
    for (const n of node) columnRefs(n, out);
  } else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    const ref = obj.ColumnRef as { fields?: Node[] } | undefined;
    if (ref) {
      const parts = names(ref.fields);
      const last = parts[parts.length - 1];
      if (last) out.add(last);
      return out;
    }
    for (const key in obj) columnRefs(obj[key], out);
  }
  return out;
}
