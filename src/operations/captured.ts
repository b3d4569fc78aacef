/**
 * Definitions captured from the live database before a drop (or an alteration) runs, kept as JSON
 * with the history row so that the automatic `down` can re-create the object exactly. Only the
 * definition is captured: the data itself is never restored.
 */
import type { Operation, QualifiedName } from './types.js';

/** One column as the catalog describes it. */
export interface CapturedColumn {
  name: string;
  /** `format_type(atttypid, atttypmod)`: `character varying(255)`; `serial`/`bigserial` for owned sequences. */
  type: string;
  nullable: boolean;
  /** Default expression as PostgreSQL prints it (`pg_get_expr`), or null. */
  default: string | null;
  /** Collation name when it differs from the type's default. */
  collation: string | null;
  identity: 'always' | 'by default' | null;
  /** Expression of a stored generated column. */
  generated: string | null;
  comment: string | null;
}

/** One constraint: its definition as `pg_get_constraintdef` prints it. */
export interface CapturedConstraint {
  name: string;
  type: 'check' | 'foreignKey' | 'unique' | 'primaryKey' | 'exclusion';
  /** `CHECK ((price > 0))`, `FOREIGN KEY (user_id) REFERENCES users(id)`, `UNIQUE (email)` … */
  definition: string;
  /** False for a constraint left `NOT VALID`. */
  validated: boolean;
  /** Referenced table of a foreign key. */
  references: QualifiedName | null;
  /** For unique / primary key: the backing index after `ON <table> ` (`USING btree (email)`). */
  index: string | null;
  deferrable: boolean;
}

/** One index that does not back a constraint. */
export interface CapturedIndex {
  name: string;
  unique: boolean;
  /** `pg_get_indexdef` after `ON <table> `: `USING btree (lower(email)) WHERE (deleted_at IS NULL)`. */
  definition: string;
  comment: string | null;
}

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
  | {
      kind: 'view';
      view: QualifiedName;
      query: string;
      options: Record<string, string>;
      comment: string | null;
    }
  | { kind: 'enum'; type: QualifiedName; values: string[] };

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
