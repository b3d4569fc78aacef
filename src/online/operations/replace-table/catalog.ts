/**
 * Everything a `replaceTable` must carry from the old table to the new one, read through the
 * introspector at planning time (before anything changes): PostgreSQL's own deparsed definitions,
 * the columns each object depends on (so an object over a dropped column is found, expressions
 * included), and what cannot be carried at all (rules, views, publications, inheritance…).
 */
import type { Connection } from '../../../dialects/dialect.js';
import { introspectPostgres } from '../../../dialects/postgres/introspect/index.js';
import type { Column, ObjectName, Sequence, Table } from '../../../schema/model.js';
import { postgresQuoting } from '../../../sql/tag.js';

/** One column of the old table and what hangs on it. */
export interface OldColumn {
  name: string;
  type: string;
  notNull: boolean;
  /** Default expression (not an identity's). */
  default: string | null;
  /** `a` GENERATED ALWAYS, `d` BY DEFAULT, '' none. */
  identity: string;
  /** Expression of a stored generated column. */
  generated: string | null;
  /** Quoted collation name when it is not the type's default. */
  collation: string | null;
  /** Storage when it is not the type's default (`p`, `e`, `m`, `x`). */
  storage: string | null;
  /** Statistics target when set. */
  statistics: number | null;
  comment: string | null;
  /** Columns a generated column's expression reads. */
  uses: string[];
}

/** An index, constraint, trigger or policy, with the columns it depends on. */
export interface OldObject {
  name: string;
  /** Deparsed definition (index: the text after `USING`; trigger: the whole CREATE TRIGGER). */
  def: string;
  comment: string | null;
  columns: string[];
}

export interface OldConstraint extends OldObject {
  /** `c` check, `f` foreign key, `u` unique, `x` exclusion. */
  type: string;
}

export interface OldTrigger extends OldObject {
  /** What follows the table in `def` (`def` itself ends before ` ON <table> `). */
  tail: string;
  /** `pg_trigger.tgenabled`: `O` origin, `D` disabled, `R` replica, `A` always. */
  enabled: string;
  /** A BEFORE ROW trigger on INSERT or UPDATE (it may change the rows written). */
  rowBefore: boolean;
}

export interface OldPolicy extends OldObject {
  permissive: boolean;
  /** `r` SELECT, `a` INSERT, `w` UPDATE, `d` DELETE, `*` ALL. */
  cmd: string;
  /** Quoted role names, or PUBLIC. */
  roles: string[];
  using: string | null;
  check: string | null;
}

/** The sequence behind an identity column. */
export interface OldIdentity {
  column: string;
  mode: string;
  schema: string;
  sequence: string;
  increment: string;
  min: string;
  max: string;
  start: string;
  cache: string;
  cycle: boolean;
  /** False when `max` is the default of the sequence's type (then the new column's type decides). */
  customMax: boolean;
}

/** The old table's definition, as `replaceTable` carries it. */
export interface TableDefinition {
  owner: string;
  comment: string | null;
  reloptions: string[];
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  /** `d` default, `n` nothing, `f` full, `i` index. */
  replicaIdentity: string;
  replicaIndex: string | null;
  columns: OldColumn[];
  /** `pg_get_constraintdef` of the primary key (`PRIMARY KEY (id) INCLUDE (…)`), if any. */
  primaryKey: string | null;
  /** Indexes that back no constraint (the primary key's is handled apart). */
  indexes: (OldObject & { unique: boolean })[];
  constraints: OldConstraint[];
  triggers: OldTrigger[];
  policies: OldPolicy[];
  identities: OldIdentity[];
  /** What cannot be carried, one description each (`rule "r" on the table`). */
  blockers: string[];
}

const quote = postgresQuoting.ident;
const qualified = (n: ObjectName) => `${quote(n.schema)}.${quote(n.name)}`;
/** A name for a message, as the server shows one: quoted only when it must be, schema only when not `home`'s. */
const shown = (n: ObjectName, home: ObjectName) => {
  const part = (x: string) => (/^[a-z_][a-z0-9_$]*$/.test(x) ? x : quote(x));
  return n.schema === home.schema ? part(n.name) : `${part(n.schema)}.${part(n.name)}`;
};
const same = (a: ObjectName, b: ObjectName) => a.schema === b.schema && a.name === b.name;
/** Key columns and every column the object reads, each once. */
const uses = (columns: string[], dependsOn: string[]) => [...new Set([...columns, ...dependsOn])];

const IDENTITY = { always: 'a', 'by default': 'd' } as const;
const STORAGE = { plain: 'p', external: 'e', main: 'm', extended: 'x' } as const;
const REPLICA_IDENTITY = { default: 'd', nothing: 'n', full: 'f', index: 'i' } as const;
const CONSTRAINT = { check: 'c', foreignKey: 'f', unique: 'u', primaryKey: 'p', exclusion: 'x' } as const;
const COMMAND = { all: '*', select: 'r', insert: 'a', update: 'w', delete: 'd' } as const;
const ENABLED = { origin: 'O', disabled: 'D', replica: 'R', always: 'A' } as const;
/** The largest value of each sequence type: a sequence's default `MAXVALUE`. */
const TYPE_MAX: Record<string, string> = { smallint: '32767', integer: '2147483647' };

function oldColumn(c: Column): OldColumn {
  return {
    name: c.name,
    type: c.type,
    notNull: !c.nullable,
    default: c.default,
    identity: c.identity === null ? '' : IDENTITY[c.identity],
    generated: c.generated,
    collation: c.collation === null ? null : qualified(c.collation),
    storage: c.storage === null ? null : STORAGE[c.storage],
    statistics: c.statistics,
    comment: c.comment,
    uses: c.dependsOn,
  };
}

function identities(t: Table, sequences: readonly Sequence[]): OldIdentity[] {
  return t.columns.flatMap((c) => {
    const s = sequences.find(
      (x) => x.identity && x.ownedBy !== null && x.ownedBy.column === c.name && same(x.ownedBy.table, t),
    );
    if (c.identity === null || s === undefined) return [];
    return [
      {
        column: c.name,
        mode: IDENTITY[c.identity],
        schema: s.schema,
        sequence: s.name,
        increment: s.increment,
        min: s.min,
        max: s.max,
        start: s.start,
        cache: s.cache,
        cycle: s.cycle,
        customMax: s.max !== (TYPE_MAX[s.type] ?? '9223372036854775807'),
      },
    ];
  });
}

/** What the new table could not get, described for the refusal message. */
function blockers(t: Table): string[] {
  const out = t.rules.map((r) => `rule "${r.name}" on the table`);
  const dependents = t.dependents ?? [];
  // sluice's own version schemas hold views of every table: they are rebuilt with the swap.
  for (const d of dependents)
    if (d.kind === 'view' && !d.view.schema.startsWith('sluice_'))
      out.push(`view ${shown(d.view, t)}, which reads the table`);
  for (const d of dependents) if (d.kind === 'publication') out.push(`publication "${d.name}"`);
  for (const s of t.statistics) out.push(`extended statistics "${s.name}"`);
  const parents = t.partitionOf ? [t.partitionOf.table, ...t.inherits] : t.inherits;
  for (const p of parents) out.push(`inheritance (${shown(t, t)} inherits ${shown(p, t)})`);
  for (const d of dependents)
    if (d.kind === 'child') out.push(`inheritance (${shown(d.table, t)} inherits ${shown(t, t)})`);
  if (t.partitioned || t.ofType !== null || t.tablespace !== null)
    out.push('table type (it is a partitioned, typed or non-default-tablespace table)');
  for (const d of dependents)
    if (d.kind === 'foreignKey')
      out.push(`foreign key "${d.name}" of table ${shown(d.table, t)}, which references it`);
  for (const c of t.constraints)
    if (c.type === 'foreignKey' && c.references && same(c.references.table, t))
      out.push(`foreign key "${c.name}" from the table to itself (it would keep pointing at the old table)`);
  return out;
}

/**
 * `replaceTable`'s view of a table read with its dependents (`dependents: true`) and the sequences
 * it owns.
 *
 * @example
 * const model = await introspectPostgres(conn, { only: { tables: [{ schema: 'public', name: 'users' }] }, dependents: true });
 * const def = tableDefinition(model.tables[0]!, model.sequences);
 */
export function tableDefinition(t: Table, sequences: readonly Sequence[]): TableDefinition {
  const blocked = blockers(t);
  const pk = t.constraints.find((c) => c.type === 'primaryKey');
  return {
    owner: quote(t.owner),
    comment: t.comment,
    reloptions: t.options,
    rowSecurity: t.rowSecurity,
    forceRowSecurity: t.forceRowSecurity,
    replicaIdentity: REPLICA_IDENTITY[t.replicaIdentity],
    replicaIndex: t.indexes.find((i) => i.replicaIdentity)?.name ?? null,
    columns: t.columns.map(oldColumn),
    indexes: t.indexes
      .filter((i) => !i.primary && i.constraint === null)
      .map((i) => {
        // The text after `USING`: the new table's index is created `USING` it.
        const def = i.definition.startsWith('USING ') ? i.definition.slice('USING '.length) : '';
        if (def === '') blocked.push(`index "${i.name}" (its definition could not be read: ${i.definition})`);
        return {
          name: i.name,
          def,
          unique: i.unique,
          comment: i.comment,
          columns: uses(i.columns, i.dependsOn),
        };
      }),
    primaryKey: pk?.definition ?? null,
    constraints: t.constraints
      .filter((c) => c.type !== 'primaryKey')
      .map((c) => ({
        name: c.name,
        type: CONSTRAINT[c.type],
        def: c.validated ? c.definition : `${c.definition} NOT VALID`,
        comment: c.comment,
        columns: uses(c.columns, c.dependsOn),
      })),
    triggers: t.triggers.map((g) => ({
      name: g.name,
      def: `CREATE ${g.constraint ? 'CONSTRAINT ' : ''}TRIGGER ${quote(g.name)} ${g.fires}`,
      tail: g.action,
      enabled: ENABLED[g.enabled],
      rowBefore:
        g.level === 'row' && g.timing === 'before' && g.events.some((e) => e === 'insert' || e === 'update'),
      comment: g.comment,
      columns: uses(g.columns, g.dependsOn),
    })),
    policies: t.policies.map((p) => ({
      name: p.name,
      def: '',
      permissive: p.permissive,
      cmd: COMMAND[p.command],
      roles: p.roles.map((r) => (r === 'public' ? 'PUBLIC' : quote(r))),
      using: p.using,
      check: p.check,
      comment: p.comment,
      columns: p.dependsOn,
    })),
    identities: identities(t, sequences),
    blockers: blocked,
  };
}

/**
 * Reads `schema.table`'s definition.
 *
 * @example
 * const def = await readTableDefinition(conn, 'public', 'users');
 * def.indexes.map((i) => i.name);
 */
export async function readTableDefinition(
  conn: Connection,
  schema: string,
  table: string,
): Promise<TableDefinition> {
  const model = await introspectPostgres(conn, {
    only: { tables: [{ schema, name: table }] },
    dependents: true,
  });
  const t = model.tables[0];
  if (!t) throw new Error(`table ${schema}.${table} not found`);
  return tableDefinition(t, model.sequences);
}
