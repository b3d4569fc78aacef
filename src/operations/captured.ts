/**
 * Definitions captured from the live database before a drop (or an alteration) runs, kept as JSON
 * with the history row so that the automatic `down` can re-create the object exactly. Only the
 * definition is captured: the data itself is never restored.
 *
 * The captured objects are the stored form of the schema model's objects ({@link Column}, {@link Constraint},
 * {@link Index}, {@link View}, {@link EnumType}): the same facts under the same names, narrowed to what a reverse needs. Their shape
 * is kept as history rows already hold it, so a down written by an older sluice still reads.
 */
import type { Column, Constraint, EnumType, Index, View } from '../schema/model.js';
import type { Operation, QualifiedName } from './types.js';

/** One column, as the model reads it. */
export interface CapturedColumn
  extends Pick<Column, 'name' | 'nullable' | 'default' | 'identity' | 'generated' | 'comment'> {
  /** {@link Column.type}, but `serial`/`bigserial`/`smallserial` for a column that owns its sequence (its default is then null). */
  type: string;
  /** Collation name when it differs from the type's default. */
  collation: string | null;
}

/** One constraint, as the model reads it. */
export interface CapturedConstraint
  extends Pick<Constraint, 'name' | 'type' | 'definition' | 'validated' | 'deferrable'> {
  /** Referenced table of a foreign key. */
  references: QualifiedName | null;
  /** For unique / primary key: the backing index's {@link Index.definition} (`USING btree (email)`). */
  index: string | null;
}

/** One index that does not back a constraint, as the model reads it. */
export type CapturedIndex = Pick<Index, 'name' | 'unique' | 'definition' | 'comment'>;

/** What `captureDefinition` returns, by the kind of object. */
export type Captured =
  | {
      kind: 'table';
      table: QualifiedName;
      columns: CapturedColumn[];
      constraints: CapturedConstraint[];
      indexes: CapturedIndex[];
      comment: string | null;
    }
  | {
      kind: 'column';
      table: QualifiedName;
      column: CapturedColumn;
      /** Constraints and indexes PostgreSQL drops together with the column. */
      constraints: CapturedConstraint[];
      indexes: CapturedIndex[];
    }
  | { kind: 'index'; table: QualifiedName; index: CapturedIndex }
  | { kind: 'constraint'; table: QualifiedName; constraint: CapturedConstraint }
  | ({ kind: 'view'; view: QualifiedName } & Pick<View, 'query' | 'options' | 'comment'>)
  | ({ kind: 'enum'; type: QualifiedName } & Pick<EnumType, 'values'>);

/** What reversing a drop cannot bring back; every such reverse carries this note. */
export const DATA_NOT_RESTORED =
  're-creates the definition only: the data, privileges, triggers, policies and statistics are not restored';

/**
 * The rule every drop's reverse starts with: a `CASCADE` drop, or no capture, cannot be undone
 * (`{ done: null }`); an object that did not exist under `IF EXISTS` needs nothing
 * (`{ done: [] }`); otherwise the captured definition of the expected kind.
 *
 * @example
 * const c = dropCapture(op, captured, 'view');
 * if ('done' in c) return c.done;
 * return [{ kind: 'createView', view: op.view, query: c.found.query }];
 */
export function dropCapture<K extends Captured['kind']>(
  op: { ifExists?: boolean; cascade?: boolean },
  captured: Captured | null | undefined,
  kind: K,
): { found: Extract<Captured, { kind: K }> } | { done: Operation[] | null } {
  if (op.cascade === true || captured === undefined) return { done: null };
  if (captured === null) return { done: op.ifExists ? [] : null };
  if (captured.kind !== kind) return { done: null };
  return { found: captured as Extract<Captured, { kind: K }> };
}
