/**
 * The schema differ: two models in, the ordered changes that turn the first into the second out,
 * as data (typed operations, `sql` operations where none fits, each with its hazards). Pure: it
 * reads nothing but its arguments. One file per kind of object (after Alembic's compare split);
 * `order.ts` puts the kinds' changes in dependency order.
 */
import type { SchemaModel } from '../model.js';
import type { DiffOptions, Renames, SchemaDiff } from './change.js';
import { diffEnums } from './enums.js';
import { diffExtensions } from './extensions.js';
import { diffGrants, recreatedObjects } from './grants.js';
import { orderChanges } from './order.js';
import { diffRoutines } from './routines.js';
import { diffSchemaList } from './schemas.js';
import { diffSequences } from './sequences.js';
import { diffTables } from './tables.js';
import { diffTypes } from './types.js';
import { diffViews } from './views.js';

/**
 * The changes that turn schema `from` into schema `to`, in the order to apply them, and the
 * dropped / added tables and columns that look like renames. Nothing is renamed unless
 * `options.renames` says so: a candidate is a drop and an add until then.
 *
 * @example
 * const { changes, renameCandidates } = diffSchemas(live, desired);
 * for (const c of changes) console.log(c.phase, c.operation.kind, c.hazards.map((h) => h.kind));
 */
export function diffSchemas(from: SchemaModel, to: SchemaModel, options: DiffOptions = {}): SchemaDiff {
  const renames = options.renames ?? {};
  const tables = diffTables(from, to, renames);
  const gone = new Set([...tables.dropped, ...tables.droppedColumns]);
  const changes = [
    ...diffSchemaList(from, to),
    ...diffExtensions(from, to),
    ...diffEnums(from, to),
    ...diffTypes(from, to),
    ...diffSequences(from, to, gone),
    ...diffRoutines(from, to),
    ...tables.changes,
    ...diffViews(from, to, tables.reshaped),
  ];
  changes.push(...diffGrants(from, to, recreatedObjects(changes, to)));
  return { changes: orderChanges(changes), renameCandidates: tables.candidates };
}

/**
 * The renames of the way back: `from` and `to` swapped, for `diffSchemas(to, from, …)`.
 *
 * @example
 * const down = diffSchemas(after, before, { renames: invertRenames(renames) });
 */
export function invertRenames(renames: Renames): Renames {
  const tables = (renames.tables ?? []).map((r) => ({ from: r.to, to: r.from }));
  const columns = (renames.columns ?? []).map((r) => {
    const table = (renames.tables ?? []).find(
      (t) => t.to.schema === r.table.schema && t.to.name === r.table.name,
    );
    return { table: table?.from ?? r.table, from: r.to, to: r.from };
  });
  return { tables, columns };
}

export type {
  ChangeTarget,
  DiffOptions,
  Hazard,
  ObjectKind,
  RenameCandidate,
  Renames,
  SchemaChange,
  SchemaDiff,
} from './change.js';
export { describeChange } from './describe.js';
export { PHASES, type Phase } from './order.js';
