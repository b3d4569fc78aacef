/**
 * What a schema diff returns: data, not SQL. Each change holds one typed operation (a `sql`
 * operation where no typed one fits), the hazards of running it, the object it touches and the
 * phase that orders it (see `order.ts`).
 */
import { sqlOperation } from '../../operations/sql.js';
import type { Operation, OperationClass } from '../../operations/types.js';
import type { ObjectName } from '../model.js';
import type { Phase } from './order.js';

/** A risk of running a change, after pg-schema-diff's hazards. */
export interface Hazard {
  /**
   * - `deletesData`: rows or values are lost (a dropped table or column, a removed enum label);
   * - `rewritesTable`: the table is rewritten under ACCESS EXCLUSIVE (a type change);
   * - `needsReview`: the change was written as SQL that a person must read before it runs
   *   (what no typed operation expresses, or what may not mean what the models say).
   */
  kind: 'deletesData' | 'rewritesTable' | 'needsReview';
  reason: string;
}

/** The kinds of object a change touches. */
export type ObjectKind =
  | 'schema'
  | 'extension'
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'trigger'
  | 'policy'
  | 'rule'
  | 'statistics'
  | 'view'
  | 'sequence'
  | 'enum'
  | 'domain'
  | 'composite'
  | 'routine'
  | 'grant';

/** The object a change touches: `{ kind: 'column', name: users, member: 'email' }`. */
export interface ChangeTarget {
  kind: ObjectKind;
  /** The object, or for a member (column, constraint, index, trigger…) its table. */
  name: ObjectName;
  /** The member's name, or a routine's identity arguments. */
  member?: string;
}

/** One step of a diff. */
export interface SchemaChange {
  operation: Operation;
  hazards: Hazard[];
  object: ChangeTarget;
  /** Where it goes in the order (see `PHASES` in `order.ts`). */
  phase: Phase;
}

/** A dropped and an added object that look alike: perhaps one renamed. */
export interface RenameCandidate {
  kind: 'table' | 'column';
  /** For a column: its table (named as in `to`). */
  table?: ObjectName;
  from: ObjectName | string;
  to: ObjectName | string;
  /** Why they look alike: `same columns (id bigint, email text)`. */
  reason: string;
}

/** Renames the diff must apply instead of a drop and an add. */
export interface Renames {
  tables?: { from: ObjectName; to: ObjectName }[];
  columns?: { table: ObjectName; from: string; to: string }[];
}

/** Options of `diffSchemas`. */
export interface DiffOptions {
  /**
   * Tables and columns renamed between the two models (a column's `table` is named as in `to`).
   * Nothing is ever renamed unless listed here; candidates are reported instead.
   */
  renames?: Renames;
}

/** The result of `diffSchemas`. */
export interface SchemaDiff {
  /** In the order to apply them. */
  changes: SchemaChange[];
  renameCandidates: RenameCandidate[];
}

/** A change of a typed operation. */
export function change(
  phase: Phase,
  object: ChangeTarget,
  operation: Operation,
  hazards: Hazard[] = [],
): SchemaChange {
  return { operation, hazards, object, phase };
}

/** A change written as SQL, with its reverse when one is known. */
export function sqlChange(
  phase: Phase,
  object: ChangeTarget,
  statement: string,
  options: { down?: string; class?: OperationClass; hazards?: Hazard[]; transactional?: boolean } = {},
): SchemaChange {
  const { hazards = [], ...rest } = options;
  return change(phase, object, sqlOperation(statement, { class: 'transformative', ...rest }), hazards);
}

/** A `needsReview` hazard. */
export const review = (reason: string): Hazard => ({ kind: 'needsReview', reason });

/** A `deletesData` hazard. */
export const deletes = (reason: string): Hazard => ({ kind: 'deletesData', reason });

/** Objects keyed by `schema.name`. */
export function byName<T extends ObjectName>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [`${i.schema}.${i.name}`, i]));
}

/** Items keyed by name (members of a table). */
export function byMember<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.name, i]));
}

/** Plain structural equality of model data (JSON-shaped: no functions, no cycles). */
export function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

// Keys sorted, so two objects built in a different order compare equal.
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_key, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );

/** `{ schema, name }` without the other fields of a model object. */
export const nameOf = (o: ObjectName): ObjectName => ({ schema: o.schema, name: o.name });
