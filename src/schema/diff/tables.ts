/**
 * Tables: created (typed `createTable` with its columns and its non-foreign-key constraints; SQL for
 * partitions, typed and inheriting tables), dropped, renamed when asked, and, for a table on both
 * sides, everything it holds (columns, constraints, indexes, triggers, policies, settings, comment).
 * A new table is diffed against what its `CREATE TABLE` made, so the rest of it (indexes, foreign
 * keys, triggers…) comes from the same member differs as for an existing table.
 */
import type { CreateTableOperation } from '../../operations/create-table.js';
import { keyOf, q, qn } from '../ddl/quote.js';
import {
  createTableSql,
  dropTableSql,
  inlineConstraints,
  optionsSql,
  partitionKeyMissing,
  replicaIdentitySql,
} from '../ddl/tables.js';
import type { ObjectName, SchemaModel, Table } from '../model.js';
import {
  change,
  deletes,
  nameOf,
  type RenameCandidate,
  type Renames,
  review,
  type SchemaChange,
  sqlChange,
} from './change.js';
import { collationApart, columnDefinition, diffColumns } from './columns.js';
import { commentChange } from './comments.js';
import { diffConstraints } from './constraints.js';
import { diffIndexes } from './indexes.js';
import { dependencyOrder } from './order.js';
import { diffPolicies } from './policies.js';
import { followColumnRenames, followTableRename } from './renames.js';
import { diffTriggers } from './triggers.js';

/** What {@link diffTables} found. */
export interface TablesDiff {
  changes: SchemaChange[];
  candidates: RenameCandidate[];
  /** Tables (`schema.name`, old and new names) whose columns were renamed, dropped or altered. */
  reshaped: Set<string>;
  /** Dropped tables (`schema.name`). */
  dropped: Set<string>;
  /** Dropped columns (`schema.table.column`, old names). */
  droppedColumns: Set<string>;
}

const special = (t: Table) =>
  t.partitioned || t.partitionOf !== null || t.ofType !== null || t.inherits.length > 0;

/** The table as its `CREATE TABLE` leaves it, to diff the rest against. */
function asCreated(t: Table, typed: boolean): Table {
  const inline = inlineConstraints(t);
  return {
    ...t,
    columns: t.columns.map((c) => ({
      ...c,
      collation: typed && collationApart(c) ? null : c.collation,
      storage: null,
      statistics: null,
      comment: typed ? c.comment : null,
    })),
    constraints: inline.map((c) => ({ ...c, comment: null })),
    indexes: t.indexes
      .filter((i) => inline.some((c) => c.index === i.name))
      .map((i) => ({ ...i, comment: null })),
    triggers: [],
    policies: [],
    rules: [],
    statistics: [],
    rowSecurity: false,
    forceRowSecurity: false,
    replicaIdentity: 'default',
    options: typed ? [] : t.options,
    comment: typed ? t.comment : null,
  };
}

/** `createTable` (or SQL for what it cannot express), plus the members diffed against it. */
function createChanges(t: Table, model: SchemaModel): SchemaChange[] {
  const object = { kind: 'table' as const, name: nameOf(t) };
  const typed = !special(t);
  let first: SchemaChange;
  if (typed) {
    const op: CreateTableOperation = {
      kind: 'createTable',
      table: nameOf(t),
      columns: t.columns.map(columnDefinition),
    };
    const constraints = inlineConstraints(t).map((c) => ({
      type: 'raw' as const,
      name: c.name,
      definition: c.definition,
    }));
    if (constraints.length > 0) op.constraints = constraints;
    if (t.comment !== null) op.comment = t.comment;
    first = change('createTables', object, op);
  } else {
    const parents = model.tables.filter((p) => t.inherits.some((i) => keyOf(i) === keyOf(p)));
    first = sqlChange('createTables', object, createTableSql(t, parents), {
      down: dropTableSql(t),
      class: 'additive',
      hazards: partitionKeyMissing(t)
        ? [review('the partition key was not read: write it after PARTITION BY')]
        : [],
    });
  }
  return [first, ...memberChanges(t, asCreated(t, typed), t, new Map()).changes];
}

/** Everything a table on both sides holds (`table` is its name in `to`). */
function memberChanges(
  table: ObjectName,
  from: Table,
  to: Table,
  renamedColumns: ReadonlyMap<string, string>,
) {
  const columns = diffColumns(table, from, to, renamedColumns);
  const named = { ...to, ...nameOf(table) };
  const object = { kind: 'table' as const, name: nameOf(table) };
  const settings: SchemaChange[] = [];
  const set = to.options.filter((o) => !from.options.includes(o));
  const reset = from.options.filter((o) => !to.options.some((n) => n.split('=')[0] === o.split('=')[0]));
  const up = optionsSql(named, set, reset);
  if (up.length > 0) {
    const back = optionsSql(
      named,
      from.options.filter((o) => !to.options.includes(o)),
      to.options.filter((o) => !from.options.some((n) => n.split('=')[0] === o.split('=')[0])),
    );
    settings.push(
      sqlChange('alterTables', object, up.join(';\n'), back.length > 0 ? { down: back.join(';\n') } : {}),
    );
  }
  const replica = (t: Table) => [t.replicaIdentity, t.indexes.find((i) => i.replicaIdentity)?.name ?? null];
  if (JSON.stringify(replica(from)) !== JSON.stringify(replica(to)))
    settings.push(
      sqlChange('createTriggers', object, replicaIdentitySql(named), {
        down: replicaIdentitySql({ ...from, ...nameOf(table) }),
      }),
    );
  return {
    changes: [
      ...columns.changes,
      ...diffConstraints(table, from, to),
      ...diffIndexes(table, from.indexes, to.indexes),
      ...diffTriggers(table, from, to),
      ...diffPolicies(table, from, to),
      ...settings,
      ...commentChange('TABLE', qn(table), from.comment, to.comment, object),
    ],
    candidates: columns.candidates,
    reshaped: columns.changed,
  };
}

/** Tables that must go before `t`: its partitions and children, and tables whose foreign keys point at it. */
const dependentsAmong = (tables: readonly Table[]) => (t: Table) =>
  tables.filter(
    (o) =>
      o !== t &&
      ((o.partitionOf !== null && keyOf(o.partitionOf.table) === keyOf(t)) ||
        o.inherits.some((i) => keyOf(i) === keyOf(t)) ||
        o.constraints.some((c) => c.references !== null && keyOf(c.references.table) === keyOf(t))),
  );

/** Dropped tables, each after the dropped tables that depend on it. */
const dropOrder = (dropped: readonly Table[]) => dependencyOrder(dropped, dependentsAmong(dropped));

/**
 * Foreign keys between dropped tables that the order cannot satisfy (a cycle): dropped first, on
 * their own.
 */
function cycleBreakers(ordered: readonly Table[]): SchemaChange[] {
  const out: SchemaChange[] = [];
  ordered.forEach((t, i) => {
    for (const c of t.constraints) {
      if (c.references === null || keyOf(c.references.table) === keyOf(t)) continue;
      const target = ordered.findIndex((o) => keyOf(o) === keyOf(c.references!.table));
      if (target !== -1 && target < i)
        out.push(
          change(
            'dropForeignKeys',
            { kind: 'constraint', name: nameOf(t), member: c.name },
            { kind: 'dropConstraint', table: nameOf(t), name: c.name },
          ),
        );
    }
  });
  return out;
}

const signature = (t: Table) => t.columns.map((c) => `${c.name} ${c.type}`).join(', ');

/**
 * Why a dropped and an added table may be one renamed, or null: the same column types in the same
 * order, and at least half the column names kept (a column may have been renamed with it).
 */
function lookAlike(d: Table, a: Table): string | null {
  if (d.columns.length !== a.columns.length || d.columns.some((c, i) => c.type !== a.columns[i]?.type))
    return null;
  if (signature(d) === signature(a)) return `same columns (${signature(a)})`;
  const kept = d.columns.filter((c) => a.columns.some((n) => n.name === c.name)).length;
  return kept * 2 >= d.columns.length
    ? `same column types, ${kept} of ${d.columns.length} names kept (${signature(a)})`
    : null;
}

/**
 * Every table change between two models.
 *
 * @example
 * diffTables(before, after, { tables: [{ from: oldName, to: newName }] }).changes
 */
export function diffTables(from: SchemaModel, to: SchemaModel, renames: Renames): TablesDiff {
  const result: TablesDiff = {
    changes: [],
    candidates: [],
    reshaped: new Set(),
    dropped: new Set(),
    droppedColumns: new Set(),
  };
  const renamedTo = new Map((renames.tables ?? []).map((r) => [keyOf(r.from), r.to]));
  const target = new Map(to.tables.map((t) => [keyOf(t), t]));
  const paired = new Set<string>();
  const dropped: Table[] = [];
  for (const old of from.tables) {
    const newName = renamedTo.get(keyOf(old)) ?? nameOf(old);
    const now = target.get(keyOf(newName));
    if (now === undefined) {
      dropped.push(old);
      continue;
    }
    paired.add(keyOf(now));
    const object = { kind: 'table' as const, name: nameOf(now) };
    if (old.schema !== now.schema) {
      result.changes.push(
        sqlChange('renameTables', object, `ALTER TABLE ${qn(old)} SET SCHEMA ${q(now.schema)}`, {
          down: `ALTER TABLE ${qn({ schema: now.schema, name: old.name })} SET SCHEMA ${q(old.schema)}`,
        }),
      );
    }
    // Renames run first: one onto the name of a table dropped in the same diff cannot.
    const taken = from.tables.some((t) => keyOf(t) === keyOf(now) && !target.has(keyOf(t)));
    if (old.name !== now.name)
      result.changes.push(
        change(
          'renameTables',
          object,
          { kind: 'renameTable', table: { schema: now.schema, name: old.name }, to: now.name },
          taken ? [review(`${keyOf(now)} still exists when this rename runs: drop or rename it first`)] : [],
        ),
      );
    const renamedColumns = new Map(
      (renames.columns ?? []).filter((r) => keyOf(r.table) === keyOf(now)).map((r) => [r.from, r.to]),
    );
    const followed = followTableRename(nameOf(now), followColumnRenames(old, renamedColumns), now);
    const members = memberChanges(nameOf(now), followed.renamed, now, renamedColumns);
    result.changes.push(...followed.changes, ...members.changes);
    result.candidates.push(...members.candidates);
    if (members.reshaped || keyOf(old) !== keyOf(now)) result.reshaped.add(keyOf(old)).add(keyOf(now));
    for (const c of old.columns)
      if (!now.columns.some((n) => n.name === (renamedColumns.get(c.name) ?? c.name)))
        result.droppedColumns.add(`${keyOf(now)}.${c.name}`);
  }
  for (const t of dropOrder(dropped)) {
    result.dropped.add(keyOf(t));
    result.changes.push(
      change('dropTables', { kind: 'table', name: nameOf(t) }, { kind: 'dropTable', table: nameOf(t) }, [
        deletes(`the rows of ${keyOf(t)} are lost`),
      ]),
    );
  }
  result.changes.push(...cycleBreakers(dropOrder(dropped)));
  const added = to.tables.filter((t) => !paired.has(keyOf(t)));
  // Parents before their partitions and children.
  const parents = (t: Table) =>
    added.filter(
      (p) =>
        t.inherits.some((i) => keyOf(i) === keyOf(p)) ||
        (t.partitionOf !== null && keyOf(t.partitionOf.table) === keyOf(p)),
    );
  for (const t of dependencyOrder(added, parents)) result.changes.push(...createChanges(t, to));
  for (const d of dropped)
    for (const a of added) {
      const reason = lookAlike(d, a);
      if (reason !== null) result.candidates.push({ kind: 'table', from: nameOf(d), to: nameOf(a), reason });
    }
  return result;
}
