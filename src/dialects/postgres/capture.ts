/**
 * Captures the live definition of what an operation is about to drop or change, so that its
 * automatic `down` can re-create it exactly. The runner stores the result (plain JSON, see
 * `operations/captured.ts`) with the history row and hands it back to `reverse()`. The facts come
 * from the introspector; this file only narrows them to what a reverse needs.
 */
import type {
  Captured,
  CapturedColumn,
  CapturedConstraint,
  CapturedIndex,
} from '../../operations/captured.js';
import type { Operation, QualifiedName } from '../../operations/types.js';
import type { Column, SchemaModel, Table } from '../../schema/model.js';
import type { Connection } from '../dialect.js';
import { introspectPostgres } from './introspect/index.js';
import { serialTypeFor } from './serial-types.js';

/** The table named `name` (through the search path when unqualified), with its sequences. */
async function readTable(conn: Connection, name: QualifiedName): Promise<SchemaModel & { table?: Table }> {
  const model = await introspectPostgres(conn, { only: { tables: [name] } });
  return { ...model, table: model.tables[0] };
}

/**
 * A column as captured. With `serial`, a column that owns its sequence and takes its default from it
 * is captured as `serial` (its sequence goes away with it: re-created as serial rather than with a
 * `nextval()` default pointing at a sequence that no longer exists).
 */
function column(c: Column, model: SchemaModel, table: Table, serial: boolean): CapturedColumn {
  const owns = model.sequences.some(
    (s) =>
      !s.identity &&
      s.ownedBy?.column === c.name &&
      s.ownedBy.table.schema === table.schema &&
      s.ownedBy.table.name === table.name,
  );
  const serialType = serial && owns && c.default?.startsWith('nextval(') ? serialTypeFor(c.type) : undefined;
  return {
    name: c.name,
    type: serialType ?? c.type,
    nullable: c.nullable,
    default: serialType !== undefined ? null : c.default,
    collation: c.collation?.name ?? null,
    identity: c.identity,
    generated: c.generated,
    comment: c.comment,
  };
}

function constraints(table: Table, only: (c: Table['constraints'][number]) => boolean): CapturedConstraint[] {
  return table.constraints.filter(only).map((c) => {
    const backing =
      c.type === 'unique' || c.type === 'primaryKey'
        ? table.indexes.find((i) => i.name === c.index)
        : undefined;
    return {
      name: c.name,
      type: c.type,
      definition: c.definition,
      validated: c.validated,
      references: c.references === null ? null : { ...c.references.table },
      index: backing?.definition ?? null,
      deferrable: c.deferrable,
    };
  });
}

/** Indexes that back no primary key, unique or exclusion constraint. */
function indexes(table: Table, only: (i: Table['indexes'][number]) => boolean): CapturedIndex[] {
  return table.indexes
    .filter((i) => i.constraint === null && only(i))
    .map((i) => ({ name: i.name, unique: i.unique, definition: i.definition, comment: i.comment }));
}

async function captureColumn(
  conn: Connection,
  name: QualifiedName,
  columnName: string,
  withDependents: boolean,
): Promise<Captured | null> {
  const model = await readTable(conn, name);
  const table = model.table;
  const c = table?.columns.find((x) => x.name === columnName);
  if (table === undefined || c === undefined) return null;
  const col = column(c, model, table, withDependents);
  if (!withDependents) return { kind: 'column', table: name, column: col, constraints: [], indexes: [] };
  return {
    kind: 'column',
    table: name,
    column: col,
    constraints: constraints(table, (x) => x.dependsOn.includes(columnName)),
    indexes: indexes(table, (x) => x.dependsOn.includes(columnName)),
  };
}

/**
 * Captures what `op` is about to drop or change, or null when the object does not exist (or the
 * operation needs nothing captured). Call it on the migration's connection just before running `op`.
 *
 * @example
 * const captured = definitionOf(op).needsCapture(op) ? await captureDefinition(conn, op) : null;
 * // … run op, store JSON.stringify(captured) with the history row; later: reverse(op, captured)
 */
export async function captureDefinition(conn: Connection, op: Operation): Promise<Captured | null> {
  switch (op.kind) {
    case 'dropTable': {
      const model = await readTable(conn, op.table);
      const table = model.table;
      if (table === undefined) return null;
      return {
        kind: 'table',
        table: op.table,
        columns: table.columns.map((c) => column(c, model, table, true)),
        constraints: constraints(table, () => true),
        indexes: indexes(table, () => true),
        comment: table.comment,
      };
    }
    case 'dropColumn':
      return captureColumn(conn, op.table, op.column, true);
    case 'alterColumn':
      return captureColumn(conn, op.table, op.column, false);
    case 'dropIndex': {
      const { table } = await readTable(conn, op.table);
      const [index] = table ? indexes(table, (i) => i.name === op.name) : [];
      return index === undefined ? null : { kind: 'index', table: op.table, index };
    }
    case 'dropConstraint': {
      const { table } = await readTable(conn, op.table);
      const [constraint] = table ? constraints(table, (c) => c.name === op.name) : [];
      return constraint === undefined ? null : { kind: 'constraint', table: op.table, constraint };
    }
    case 'dropView':
    case 'createView': {
      const [view] = (await introspectPostgres(conn, { only: { views: [op.view] } })).views;
      if (view === undefined || view.materialized) return null;
      return { kind: 'view', view: op.view, query: view.query, options: view.options, comment: view.comment };
    }
    case 'dropEnum': {
      const [type] = (await introspectPostgres(conn, { only: { enums: [op.type] } })).enums;
      return type === undefined ? null : { kind: 'enum', type: op.type, values: type.values };
    }
    default:
      return null;
  }
}
