import { formatName, toName } from './names.js';
import type {
  DefaultValue,
  Operation,
  OperationBase,
  OperationDefinition,
  QualifiedName,
  TableRef,
} from './types.js';
import {
  checkBoolean,
  checkDefault,
  checkName,
  checkOneOf,
  checkQualified,
  checkSql,
  invalid,
  subject,
} from './validate.js';

/**
 * `ALTER TABLE … ALTER COLUMN`: type, nullability and default, applied in that order.
 *
 * - A type change rewrites the table and its indexes under ACCESS EXCLUSIVE, unless PostgreSQL finds
 *   it binary-coercible (`varchar(50)` → `varchar(100)` or `text`). There is no in-place alternative;
 *   use an online migration for big tables.
 * - `nullable: false` on an existing table goes through a `CHECK (col IS NOT NULL) NOT VALID`
 *   constraint, validated separately (a scan that does not block writes), after which `SET NOT NULL`
 *   needs no scan (PostgreSQL 12+) and the helper constraint is dropped. `setNotNull: 'direct'` opts out.
 * - A default change never rewrites: it applies to future rows only.
 */
export interface AlterColumnOperation extends OperationBase {
  kind: 'alterColumn';
  table: QualifiedName;
  column: string;
  /** New SQL type. */
  type?: string;
  /** `USING` expression computing the new value, e.g. `'created_at::date'`. */
  using?: string;
  /** `USING "<column>"::<type>`: an explicit cast (the reverse of a type change uses it). */
  usingCast?: boolean;
  nullable?: boolean;
  /** New default; `null` drops the default. */
  default?: DefaultValue | null;
  /** How `nullable: false` is applied on an existing table: `'check'` (default, safe) or `'direct'`. */
  setNotNull?: 'check' | 'direct';
}

/** What `db.alterColumn` accepts. */
export type AlterColumnChanges = Omit<AlterColumnOperation, 'kind' | 'table' | 'column' | 'note'>;

/**
 * Builds an `alterColumn` operation.
 *
 * @example
 * alterColumn('users', 'age', { type: 'integer', using: 'age::integer', nullable: false })
 */
export function alterColumn(
  table: TableRef,
  column: string,
  changes: AlterColumnChanges,
): AlterColumnOperation {
  return { kind: 'alterColumn', table: toName(table), column, ...changes };
}

/** `alterColumn`: transformative; reversed from the captured column (its old type, nullability, default). */
export const alterColumnDefinition: OperationDefinition<AlterColumnOperation> = {
  kind: 'alterColumn',
  validate(op) {
    const s = subject(op.kind, op.table, op.column);
    checkQualified(s, 'table', op.table);
    checkName(s, 'column', op.column);
    if (op.type !== undefined) checkSql(s, 'type', op.type, "'bigint'");
    if (op.using !== undefined) {
      checkSql(s, 'using', op.using, "'age::integer'");
      if (op.type === undefined) invalid(s, 'using', 'needs `type`');
    }
    checkBoolean(s, 'usingCast', op.usingCast);
    if (op.usingCast && (op.type === undefined || op.using !== undefined)) {
      invalid(s, 'usingCast', 'needs `type` and no `using`');
    }
    checkBoolean(s, 'nullable', op.nullable);
    if (op.default !== null) checkDefault(s, 'default', op.default);
    checkOneOf(s, 'setNotNull', op.setNotNull, ['check', 'direct']);
    if (op.type === undefined && op.nullable === undefined && op.default === undefined) {
      invalid(s, 'type', 'is missing: give at least one of `type`, `nullable`, `default`');
    }
  },
  classify: () => 'transformative',
  needsCapture: () => true,
  isReversible: () => true,
  reverse(op, captured) {
    if (captured?.kind !== 'column') return null;
    const old = captured.column;
    const back: Operation = { kind: 'alterColumn', table: op.table, column: op.column };
    if (op.type !== undefined) Object.assign(back, { type: old.type, usingCast: true });
    if (op.nullable !== undefined) back.nullable = old.nullable;
    if (op.default !== undefined) back.default = old.default === null ? null : { sql: old.default };
    return [back];
  },
  describe: (op) => `alter column ${formatName(op.table)}.${op.column}`,
};
