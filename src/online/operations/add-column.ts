/**
 * `addColumn`: the column is added under a temporary name (invisible to the old version), with its
 * NOT NULL and checks as `NOT VALID` constraints and foreign keys `NOT VALID`; `up` fills it for rows
 * the old version writes and for existing rows (backfill). A unique index is built CONCURRENTLY
 * after the backfill. `complete` validates, sets NOT NULL from the validated check, attaches the
 * unique constraint and renames the column into place.
 */
import { MigrationFileError } from '../../errors.js';
import { formatName, toName } from '../../operations/names.js';
import type { ColumnDefinition, TableRef } from '../../operations/types.js';
import { checkBoolean, checkName, checkQualified, checkSql, subject } from '../../operations/validate.js';
import { ident, raw, sql } from '../../sql/tag.js';
import { renameInExpression } from '../expr.js';
import { tempName } from '../names.js';
import type { OperationHandler } from '../operation.js';
import type { ColumnConstraintSpecs, OnlineAddColumn } from '../types.js';
import {
  checkColumnConstraints,
  checkExpression,
  claimConstraintNames,
  foreignKeySql,
  nameConstraints,
} from './column-constraints.js';
import {
  addConstraintNotValid,
  checkOnlineDefault,
  checkOptions,
  columnDdl,
  defaultSql,
  isVolatileDefault,
  notOnline,
  setNotNullViaCheck,
  validateConstraint,
} from './common.js';

/** How an author writes the column of an online `addColumn`: its type, or a definition with `up`. */
export type OnlineColumnSpec =
  | string
  | (Pick<ColumnDefinition, 'type' | 'nullable' | 'default'> & ColumnConstraintSpecs & { up?: string });

/**
 * Builds an online `addColumn`: the arguments of `db.addColumn`, plus `up`.
 *
 * @example
 * op.addColumn('users', 'full_name', { type: 'text', up: "first_name || ' ' || last_name" })
 */
export function addColumn(table: TableRef, column: string, spec: OnlineColumnSpec): OnlineAddColumn {
  if (typeof column === 'object' && column !== null) {
    throw new MigrationFileError(
      'op.addColumn takes the table, the column name and its definition, as db.addColumn does.',
      {
        details: {
          hint: "Write op.addColumn('users', 'full_name', { type: 'text', up: … }) (the definition without `name`).",
        },
      },
    );
  }
  const t = toName(table);
  if (typeof spec === 'string') return { kind: 'addColumn', table: t, column: { name: column, type: spec } };
  const { check, unique, references, ...rest } = spec ?? ({} as Exclude<OnlineColumnSpec, string>);
  const constraints = nameConstraints(t, column, { check, unique, references });
  return { kind: 'addColumn', table: t, column: { name: column, ...rest, ...constraints } };
}

/** What planning resolves for an online `addColumn`. */
export interface AddColumnResolved {
  table: string;
  temp: string;
  notNullCheck: string;
  /** The default as SQL text. */
  default: string | null;
}

const COLUMN_OPTIONS = ['name', 'type', 'nullable', 'default', 'up', 'check', 'unique', 'references'];

/** The online `addColumn`: its checks, its planning and its phase hooks (see the file's comment). */
export const addColumnHandler: OperationHandler<OnlineAddColumn, AddColumnResolved> = {
  kind: 'addColumn',
  describe: (op) => `addColumn ${formatName(op.table)}.${op.column.name}`,
  check(op) {
    const c = op.column;
    const s = subject(op.kind, op.table, c?.name);
    checkOptions(s, null, op, ['table', 'column']);
    checkQualified(s, 'table', op.table);
    checkOptions(s, 'column', c, COLUMN_OPTIONS, { notNull: '`nullable: false`' });
    checkName(s, 'column.name', c.name);
    checkSql(s, 'column.type', c.type, "'text' or 'varchar(255)'");
    checkBoolean(s, 'column.nullable', c.nullable);
    checkOnlineDefault(s, 'column.default', c.default, false);
    checkExpression(s, 'column.up', c.up);
    checkColumnConstraints(s, 'column', c);
    if (c.default !== undefined && isVolatileDefault(c.default)) {
      notOnline(
        s,
        `its default \`${defaultSql(c.default)}\` is volatile, which rewrites the table under an ACCESS EXCLUSIVE lock`,
        `Use \`up: ${JSON.stringify(defaultSql(c.default))}\` instead (it fills existing rows in batches).`,
      );
    }
    if (c.nullable === false && c.default === undefined && !c.up) {
      notOnline(
        s,
        'a NOT NULL column needs a `default` or an `up` expression, or the old version could not insert rows',
      );
    }
  },
  plan(op, model) {
    const t = model.table(op.table);
    const c = op.column;
    model.free(t, c.name);
    claimConstraintNames(model, t, c);
    const temp = tempName(c.name);
    model.touch(t, temp);
    t.newColumns.push({ name: c.name, physical: temp });
    t.tempColumns.push(temp);
    t.tempTypes = { ...t.tempTypes, [temp]: c.type };
    const source = `addColumn ${op.table.name}.${c.name} (up)`;
    if (c.up) t.up.push({ target: temp, expr: c.up, on: 'always', source });
    return {
      table: t.physical,
      temp,
      notNullCheck: tempName(c.name, 'nn'),
      default: c.default === undefined ? null : defaultSql(c.default),
    };
  },
  async expand(op, resolved, phase) {
    const c = op.column;
    const table = ident(phase.plan.schema, resolved.table);
    const temp = resolved.temp;
    await phase.exec(
      sql`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${ident(temp)} ${columnDdl(c.type, resolved.default)}`,
    );
    if (c.nullable === false) {
      const notNull = sql`CHECK (${ident(temp)} IS NOT NULL)`;
      await addConstraintNotValid(phase, resolved.table, resolved.notNullCheck, notNull);
    }
    if (c.check) {
      const expression = renameInExpression(c.check.expression, c.name, temp);
      await addConstraintNotValid(phase, resolved.table, c.check.name, sql`CHECK (${raw(expression)})`);
    }
    if (c.references) {
      const fk = foreignKeySql(phase.plan.schema, temp, c.references);
      await addConstraintNotValid(phase, resolved.table, c.references.name, fk);
    }
  },
  async build(op, resolved, phase) {
    if (!op.column.unique) return;
    const name = op.column.unique.name;
    await phase.buildIndex(
      name,
      sql`CREATE UNIQUE INDEX CONCURRENTLY ${ident(name)} ON ${ident(phase.plan.schema, resolved.table)} (${ident(resolved.temp)})`,
    );
  },
  async validate(op, resolved, phase) {
    const c = op.column;
    if (c.nullable === false) await validateConstraint(phase, resolved.table, resolved.notNullCheck);
    if (c.check) await validateConstraint(phase, resolved.table, c.check.name);
    if (c.references) await validateConstraint(phase, resolved.table, c.references.name);
  },
  async contract(op, resolved, phase) {
    if (!(await phase.columnExists(resolved.table, resolved.temp))) return;
    const table = ident(phase.plan.schema, resolved.table);
    if (op.column.nullable === false)
      await setNotNullViaCheck(phase, resolved.table, resolved.temp, resolved.notNullCheck);
    if (op.column.unique) {
      const unique = ident(op.column.unique.name);
      await phase.exec(sql`ALTER TABLE ${table} ADD CONSTRAINT ${unique} UNIQUE USING INDEX ${unique}`);
    }
    await phase.exec(
      sql`ALTER TABLE ${table} RENAME COLUMN ${ident(resolved.temp)} TO ${ident(op.column.name)}`,
    );
  },
  async rollback(_op, resolved, phase) {
    // Dropping the column drops its constraints and indexes with it (catalog-only).
    await phase.exec(
      sql`ALTER TABLE ${ident(phase.plan.schema, resolved.table)} DROP COLUMN IF EXISTS ${ident(resolved.temp)}`,
    );
  },
};
