/**
 * Columns and constraints shared by several operations: normalizing what the author wrote,
 * validating it, and turning captured catalog definitions back into operations.
 */
import type { CapturedColumn, CapturedConstraint, CapturedIndex } from './captured.js';
import { toName } from './names.js';
import type { ColumnDefinition, Operation, QualifiedName, TableConstraint, TableRef } from './types.js';
import {
  checkBoolean,
  checkComment,
  checkDefault,
  checkName,
  checkNames,
  checkOneOf,
  checkQualified,
  checkSql,
  invalid,
  REFERENTIAL_ACTIONS,
  type Subject,
} from './validate.js';

/** How an author writes a column: a full definition without its name, or just the type. */
export type ColumnSpec = Omit<ColumnDefinition<TableRef>, 'name'> | string;

/**
 * Normalizes an authored column into data.
 *
 * @example
 * normalizeColumn('email', 'text') // { name: 'email', type: 'text' }
 */
export function normalizeColumn(name: string, spec: ColumnSpec): ColumnDefinition {
  if (typeof spec === 'string') return { name, type: spec };
  const { references, ...rest } = spec;
  return references === undefined
    ? { name, ...rest }
    : { name, ...rest, references: { ...references, table: toName(references.table) } };
}

/** Normalizes an authored table constraint into data. */
export function normalizeConstraint(c: TableConstraint<TableRef>): TableConstraint {
  if (c.type === 'foreignKey')
    return { ...c, references: { ...c.references, table: toName(c.references.table) } };
  if (c.type === 'raw') {
    const { references, ...rest } = c;
    return references === undefined ? rest : { ...rest, references: toName(references) };
  }
  return c;
}

/** Validates a column; `inline` allows the inline constraints of `createTable`. */
export function checkColumn(s: Subject, option: string, col: ColumnDefinition, inline: boolean): void {
  if (typeof col !== 'object' || col === null)
    invalid(s, option, 'must be a column definition or a type name');
  checkName(s, `${option}.name`, col.name);
  checkSql(s, `${option}.type`, col.type, "'text' or 'varchar(255)'");
  checkBoolean(s, `${option}.nullable`, col.nullable);
  checkDefault(s, `${option}.default`, col.default);
  checkOneOf(s, `${option}.identity`, col.identity, ['always', 'by default']);
  if (col.generated !== undefined) checkSql(s, `${option}.generated`, col.generated, "'price * qty'");
  if (col.collation !== undefined) checkName(s, `${option}.collation`, col.collation);
  checkComment(s, `${option}.comment`, col.comment);
  const generators = [col.default !== undefined, col.identity !== undefined, col.generated !== undefined];
  if (generators.filter(Boolean).length > 1) {
    invalid(s, option, 'can have only one of `default`, `identity` and `generated`');
  }
  for (const key of ['primaryKey', 'unique', 'check', 'references'] as const) {
    if (col[key] === undefined) continue;
    if (!inline) {
      invalid(
        s,
        `${option}.${key}`,
        'is only allowed in createTable',
        'Use addForeignKey, addUnique or addCheck.',
      );
    }
  }
  checkBoolean(s, `${option}.primaryKey`, col.primaryKey);
  checkBoolean(s, `${option}.unique`, col.unique);
  if (col.check !== undefined) checkSql(s, `${option}.check`, col.check, "'price > 0'");
  if (col.references !== undefined) {
    checkQualified(s, `${option}.references.table`, col.references.table);
    if (col.references.column !== undefined)
      checkName(s, `${option}.references.column`, col.references.column);
    checkOneOf(s, `${option}.references.onDelete`, col.references.onDelete, REFERENTIAL_ACTIONS);
    checkOneOf(s, `${option}.references.onUpdate`, col.references.onUpdate, REFERENTIAL_ACTIONS);
  }
}

/** Validates a table constraint of `createTable`. */
export function checkConstraint(s: Subject, option: string, c: TableConstraint): void {
  if (c.name !== undefined) checkName(s, `${option}.name`, c.name);
  switch (c.type) {
    case 'check':
      checkSql(s, `${option}.expression`, c.expression, "'price > 0'");
      return;
    case 'unique':
    case 'primaryKey':
      checkNames(s, `${option}.columns`, c.columns);
      return;
    case 'foreignKey':
      checkNames(s, `${option}.columns`, c.columns);
      checkReferences(s, `${option}.references`, c.references, c.columns.length);
      return;
    case 'raw':
      checkName(s, `${option}.name`, c.name);
      checkSql(s, `${option}.definition`, c.definition, "'CHECK (price > 0)'");
      return;
    default:
      invalid(s, `${option}.type`, "must be 'check', 'unique', 'primaryKey', 'foreignKey' or 'raw'");
  }
}

/** Validates a foreign key target. */
export function checkReferences(
  s: Subject,
  option: string,
  r: { table: QualifiedName; columns?: string[]; onDelete?: unknown; onUpdate?: unknown },
  count: number,
): void {
  if (typeof r !== 'object' || r === null) invalid(s, option, "must be { table: 'users', columns: ['id'] }");
  checkQualified(s, `${option}.table`, r.table);
  if (r.columns !== undefined) {
    checkNames(s, `${option}.columns`, r.columns);
    if (r.columns.length !== count)
      invalid(s, `${option}.columns`, `must list ${count} column(s), like the key`);
  }
  checkOneOf(s, `${option}.onDelete`, r.onDelete, REFERENTIAL_ACTIONS);
  checkOneOf(s, `${option}.onUpdate`, r.onUpdate, REFERENTIAL_ACTIONS);
}

/** A captured column as a column definition, so `addColumn`/`createTable` re-create it. */
export function columnFromCapture(c: CapturedColumn): ColumnDefinition {
  const col: ColumnDefinition = { name: c.name, type: c.type, nullable: c.nullable };
  if (c.default !== null) col.default = { sql: c.default };
  if (c.identity !== null) col.identity = c.identity;
  if (c.generated !== null) col.generated = c.generated;
  if (c.collation !== null) col.collation = c.collation;
  if (c.comment !== null) col.comment = c.comment;
  return col;
}

// Unique keys first: a foreign key of the same table may reference them.
const CONSTRAINT_ORDER: Record<CapturedConstraint['type'], number> = {
  primaryKey: 0,
  unique: 1,
  exclusion: 2,
  check: 3,
  foreignKey: 4,
};

/** Captured constraints and indexes as the operations that re-create them on `table`. */
export function restoreOperations(
  table: QualifiedName,
  constraints: readonly CapturedConstraint[],
  indexes: readonly CapturedIndex[],
  note: string,
): Operation[] {
  const ordered = [...constraints].sort((a, b) => CONSTRAINT_ORDER[a.type] - CONSTRAINT_ORDER[b.type]);
  const ops: Operation[] = ordered.map((c) => constraintFromCapture(table, c, note));
  for (const i of indexes) ops.push(indexFromCapture(table, i, note));
  return ops;
}

/** A captured constraint as an `addConstraint` operation. */
export function constraintFromCapture(table: QualifiedName, c: CapturedConstraint, note: string): Operation {
  return {
    kind: 'addConstraint',
    table,
    name: c.name,
    type: c.type,
    definition: c.definition,
    ...(c.validated ? {} : { validate: 'never' as const }),
    ...(c.references === null ? {} : { references: c.references }),
    ...(c.index === null ? {} : { index: c.index }),
    ...(c.deferrable ? { deferrable: true } : {}),
    note,
  };
}

/** A captured index as an `addIndex` operation with its exact definition. */
export function indexFromCapture(table: QualifiedName, i: CapturedIndex, note: string): Operation {
  return {
    kind: 'addIndex',
    table,
    name: i.name,
    definition: i.definition,
    ...(i.unique ? { unique: true } : {}),
    ...(i.comment === null ? {} : { comment: i.comment }),
    note,
  };
}
