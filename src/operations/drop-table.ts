import { DATA_NOT_RESTORED, dropCapture } from './captured.js';
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
    const c = dropCapture(op, captured, 'table');
    if ('done' in c) return c.done;
    const note = `${formatName(op.table)}: ${DATA_NOT_RESTORED}`;
    const ops: Operation[] = [
      {
        kind: 'createTable',
        table: op.table,
        columns: c.found.columns.map(columnFromCapture),
        // CREATE TABLE would mark a NOT VALID constraint valid: those are added afterwards instead.
        constraints: c.found.constraints
          .filter((k) => k.validated)
          .map((k) => ({
            type: 'raw' as const,
            name: k.name,
            definition: k.definition,
            ...(k.references === null ? {} : { references: k.references }),
          })),
        ...(c.found.comment === null ? {} : { comment: c.found.comment }),
        note,
      },
    ];
    for (const k of c.found.constraints) if (!k.validated) ops.push(constraintFromCapture(op.table, k, note));
    for (const i of c.found.indexes) ops.push(indexFromCapture(op.table, i, note));
    return ops;
  },
  describe: (op) => `drop table ${formatName(op.table)}`,
};
