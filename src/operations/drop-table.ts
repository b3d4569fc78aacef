import { DATA_NOT_RESTORED } from './captured.js';
import { columnFromCapture, constraintFromCapture, indexFromCapture } from './column-definition.js';
import { formatName, toName } from './names.js';
import type { Operation, OperationBase, OperationDefinition, QualifiedName, TableRef } from './types.js';
import { checkBoolean, checkQualified, subject } from './validate.js';

/** `DROP TABLE`. Reversible from the captured definition unless `cascade` also dropped dependents. */
export interface DropTableOperation extends OperationBase {
  kind: 'dropTable';
  table: QualifiedName;
  /** `IF EXISTS`: a missing table is not an error (and the reverse re-creates nothing). */
  ifExists?: boolean;
  /** `CASCADE`: also drops views and foreign keys that depend on it; makes the drop irreversible. */
  cascade?: boolean;
}

/** Options of `db.dropTable`. */
export type DropTableOptions = Pick<DropTableOperation, 'ifExists' | 'cascade'>;

/**
 * Builds a `dropTable` operation.
 *
 * @example
 * dropTable('legacy_events', { ifExists: true })
 */
export function dropTable(table: TableRef, options: DropTableOptions = {}): DropTableOperation {
  return { kind: 'dropTable', table: toName(table), ...options };
}

/** `dropTable`: destructive; reversed from the captured columns, constraints, indexes and comments. */
export const dropTableDefinition: OperationDefinition<DropTableOperation> = {
  kind: 'dropTable',
  validate(op) {
    const s = subject(op.kind, op.table);
    checkQualified(s, 'table', op.table);
    checkBoolean(s, 'ifExists', op.ifExists);
    checkBoolean(s, 'cascade', op.cascade);
  },
  classify: () => 'destructive',
  needsCapture: (op) => op.cascade !== true,
  isReversible: (op) => op.cascade !== true,
  reverse(op, captured) {
    if (op.cascade === true || captured === undefined) return null;
    if (captured === null) return op.ifExists ? [] : null;
    if (captured.kind !== 'table') return null;
    const note = `${formatName(op.table)}: ${DATA_NOT_RESTORED}`;
    const ops: Operation[] = [
      {
        kind: 'createTable',
        table: op.table,
        columns: captured.columns.map(columnFromCapture),
        // CREATE TABLE would mark a NOT VALID constraint valid: those are added afterwards instead.
        constraints: captured.constraints
          .filter((c) => c.validated)
          .map((c) => ({
            type: 'raw' as const,
            name: c.name,
            definition: c.definition,
            ...(c.references === null ? {} : { references: c.references }),
          })),
        ...(captured.comment === null ? {} : { comment: captured.comment }),
        note,
      },
    ];
    for (const c of captured.constraints)
      if (!c.validated) ops.push(constraintFromCapture(op.table, c, note));
    for (const i of captured.indexes) ops.push(indexFromCapture(op.table, i, note));
    return ops;
  },
  describe: (op) => `drop table ${formatName(op.table)}`,
};
