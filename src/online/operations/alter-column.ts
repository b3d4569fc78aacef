/**
 * `alterColumn`: pgroll's duplicate-and-swap. The new version gets a temporary copy of the column
 * with the new type, default, nullability and constraints; the dual-write trigger keeps both in
 * step (`up` from old writes, `down` from new writes) and the backfill fills the copy.
 * Single-column indexes and constraints of the column are duplicated onto the copy (NOT VALID /
 * CONCURRENTLY). `complete` drops the old column and renames the copy, its indexes and constraints
 * into place in one short-lock transaction.
 *
 * `nullable: false` adds NOT NULL through a `NOT VALID` check on the copy (new rows at once), with
 * `up` replacing the NULLs the old version writes; `complete` validates the check and turns it into
 * a real NOT NULL without a second scan. A pure rename (`{ to }` only) is a renameColumn.
 */
import { formatName, toName } from '../../operations/names.js';
import type { TableRef } from '../../operations/types.js';
import {
  checkBoolean,
  checkName,
  checkQualified,
  checkSql,
  invalid,
  subject,
} from '../../operations/validate.js';
import { ident, raw, sql } from '../../sql/tag.js';
import { renameInExpression } from '../expr.js';
import type { TableInfo } from '../introspect.js';
import { quotedName, tempName } from '../names.js';
import type { OperationHandler } from '../operation.js';
import { PlanError } from '../plan.js';
import type { ColumnConstraintSpecs, OnlineAlterColumn } from '../types.js';
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
  setNotNullViaCheck,
  validateConstraint,
} from './common.js';
import { renameColumnHandler } from './rename-column.js';

/** What an online `alterColumn` changes: `db.alterColumn`'s changes, with `up`/`down` for `using`. */
export type OnlineAlterColumnChanges = Omit<
  OnlineAlterColumn,
  'kind' | 'table' | 'column' | 'note' | keyof ColumnConstraintSpecs
> &
  ColumnConstraintSpecs;

/**
 * Builds an online `alterColumn`: the arguments of `db.alterColumn`, with `up` and `down` in place
 * of `using`.
 *
 * @example
 * op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' })
 * op.alterColumn('users', 'phone', { nullable: false, up: "coalesce(phone, '')" })
 */
export function alterColumn(
  table: TableRef,
  column: string,
  changes: OnlineAlterColumnChanges,
): OnlineAlterColumn {
  const t = toName(table);
  const { check, unique, references, ...rest } = changes ?? {};
  const name = typeof rest.to === 'string' ? rest.to : column;
  return {
    kind: 'alterColumn',
    table: t,
    column,
    ...rest,
    ...nameConstraints(t, name, { check, unique, references }),
  };
}

/** An index or constraint of the column, duplicated onto its copy. */
export interface Duplicate {
  /** Original name (restored at complete). */
  name: string;
  temp: string;
  /** Constraint: its definition (rewritten for the copy at expand). Index: unused. */
  def: string;
  unique?: boolean;
  method?: string;
  /** Backs a unique constraint of this name. */
  constraint?: string | null;
}

/** What planning resolves for an online `alterColumn`. */
export type AlterColumnResolved =
  | { renameOnly: true; table: string; physical: string }
  | {
      renameOnly: false;
      table: string;
      physical: string;
      temp: string;
      newName: string;
      type: string;
      default: string | null;
      notNull: boolean;
      notNullCheck: string;
      indexes: Duplicate[];
      constraints: Duplicate[];
    };

const CHANGES = ['type', 'nullable', 'default', 'to', 'check', 'unique', 'references', 'up', 'down'] as const;

const OLD_WORDS = {
  notNull: '`nullable` (`nullable: false` adds NOT NULL)',
  name: '`to` (the new name)',
  changes: 'the changes as options: op.alterColumn(table, column, { type, … })',
  using: '`up` (SQL over the old version’s columns)',
  usingCast: '`up`',
};

/** The single-column indexes and checks/foreign keys of `physical`, to duplicate onto its copy. */
function duplicates(
  info: TableInfo,
  physical: string,
  column: string,
): { indexes: Duplicate[]; constraints: Duplicate[] } {
  const indexes: Duplicate[] = [];
  for (const ix of info.indexes.filter((i) => i.columns.includes(physical))) {
    if (ix.columns.length > 1 || ix.complex) {
      throw new PlanError(
        `column "${column}" is part of index "${ix.name}" over several columns or an expression`,
        'Drop that index in an earlier migration and recreate it with addIndex after this one, or use replaceTable.',
      );
    }
    const { name, unique, method, constraint } = ix;
    indexes.push({ name, temp: tempName(name), def: '', unique, method, constraint });
  }
  const constraints: Duplicate[] = [];
  for (const con of info.constraints.filter(
    (k) => k.columns.includes(physical) && (k.type === 'c' || k.type === 'f'),
  )) {
    if (con.columns.length > 1) {
      throw new PlanError(
        `column "${column}" is part of constraint "${con.name}" over several columns`,
        'Use replaceTable.',
      );
    }
    constraints.push({ name: con.name, temp: tempName(con.name), def: con.def });
  }
  return { indexes, constraints };
}

/** The online `alterColumn`: its checks, its planning and its phase hooks (see the file's comment). */
export const alterColumnHandler: OperationHandler<OnlineAlterColumn, AlterColumnResolved> = {
  kind: 'alterColumn',
  describe: (op) => `alterColumn ${formatName(op.table)}.${op.column}`,
  check(op) {
    const s = subject(op.kind, op.table, op.column);
    checkOptions(s, null, op, ['table', 'column', ...CHANGES], OLD_WORDS);
    checkQualified(s, 'table', op.table);
    checkName(s, 'column', op.column);
    if (op.type !== undefined) checkSql(s, 'type', op.type, "'bigint'");
    checkBoolean(s, 'nullable', op.nullable);
    checkOnlineDefault(s, 'default', op.default, true);
    if (op.to !== undefined) checkName(s, 'to', op.to);
    if (op.to === op.column) invalid(s, 'to', 'is the current name');
    checkExpression(s, 'up', op.up);
    checkExpression(s, 'down', op.down);
    checkColumnConstraints(s, '', op);
    if (!CHANGES.some((k) => op[k] !== undefined))
      invalid(s, 'type', `is missing: give at least one of ${CHANGES.map((k) => `\`${k}\``).join(', ')}`);
  },
  plan(op, model) {
    const t = model.table(op.table);
    const c = model.column(t, op.column);
    const physical = c.physical;
    if (op.to !== undefined && CHANGES.every((k) => k === 'to' || op[k] === undefined)) {
      const rename = { kind: 'renameColumn', table: op.table, column: op.column, to: op.to } as const;
      renameColumnHandler.plan(rename, model, undefined);
      return { renameOnly: true, table: t.physical, physical };
    }
    const info = model.tableInfo(t);
    const col = info.columns.find((x) => x.name === physical);
    if (!col)
      throw new PlanError(
        `column "${op.column}" was added by this migration; declare it as wanted in addColumn instead`,
      );
    if (col.special)
      throw new PlanError(
        `column "${op.column}" is an identity or generated column`,
        'Use replaceTable for it.',
      );
    if (info.primaryKey.includes(physical)) {
      throw new PlanError(
        `column "${op.column}" is part of the primary key`,
        'Use op.replaceTable to change a key column online.',
      );
    }
    if (col.default && /nextval\s*\(/i.test(col.default)) {
      throw new PlanError(
        `column "${op.column}" takes its default from a sequence`,
        'Use op.replaceTable for serial columns.',
      );
    }
    const { indexes, constraints } = duplicates(info, physical, op.column);
    const newName = op.to ?? c.name;
    if (op.to && op.to !== c.name) model.free(t, op.to);
    claimConstraintNames(model, t, op);
    const temp = tempName(physical);
    model.touch(t, physical);
    model.touch(t, temp);
    c.physical = temp;
    c.name = newName;
    t.tempColumns.push(temp);
    const type = op.type ?? col.type;
    t.tempTypes = { ...t.tempTypes, [temp]: type };
    const at = `alterColumn ${op.table.name}.${op.column}`;
    t.up.push({ target: temp, expr: op.up ?? quotedName(physical), on: 'always', source: `${at} (up)` });
    t.down.push({
      target: physical,
      expr: op.down ?? quotedName(newName),
      on: 'always',
      source: `${at} (down)`,
    });
    return {
      renameOnly: false,
      table: t.physical,
      physical,
      temp,
      newName,
      type,
      default: op.default === undefined ? col.default : op.default === null ? null : defaultSql(op.default),
      notNull: op.nullable === undefined ? col.notNull : !op.nullable,
      notNullCheck: tempName(physical, 'nn'),
      indexes,
      constraints,
    };
  },
  async expand(op, resolved, phase) {
    if (resolved.renameOnly) return;
    const { table, temp } = resolved;
    await phase.exec(
      sql`ALTER TABLE ${ident(phase.plan.schema, table)} ADD COLUMN IF NOT EXISTS ${ident(temp)} ${columnDdl(resolved.type, resolved.default)}`,
    );
    if (resolved.notNull)
      await addConstraintNotValid(
        phase,
        table,
        resolved.notNullCheck,
        sql`CHECK (${ident(temp)} IS NOT NULL)`,
      );
    for (const k of resolved.constraints) {
      // Only the column list is rewritten for a foreign key: the referenced column may share its name.
      const def = k.def.startsWith('FOREIGN KEY')
        ? k.def.replace(/^FOREIGN KEY \([^)]*\)/, `FOREIGN KEY (${quotedName(temp)})`)
        : renameInExpression(k.def.replace(/\s+NOT VALID$/, ''), resolved.physical, temp);
      await addConstraintNotValid(phase, table, k.temp, raw(def.replace(/\s+NOT VALID$/, '')));
    }
    if (op.check) {
      const expression = renameInExpression(
        renameInExpression(op.check.expression, resolved.newName, temp),
        op.column,
        temp,
      );
      await addConstraintNotValid(phase, table, op.check.name, sql`CHECK (${raw(expression)})`);
    }
    if (op.references) {
      const fk = foreignKeySql(phase.plan.schema, temp, op.references);
      await addConstraintNotValid(phase, table, op.references.name, fk);
    }
  },
  async build(op, resolved, phase) {
    if (resolved.renameOnly) return;
    const table = ident(phase.plan.schema, resolved.table);
    const column = ident(resolved.temp);
    for (const ix of resolved.indexes) {
      const unique = raw(ix.unique ? 'UNIQUE ' : '');
      const using = raw(ix.method ?? 'btree');
      await phase.buildIndex(
        ix.temp,
        sql`CREATE ${unique}INDEX CONCURRENTLY ${ident(ix.temp)} ON ${table} USING ${using} (${column})`,
      );
    }
    if (op.unique) {
      const index = tempName(op.unique.name);
      await phase.buildIndex(
        index,
        sql`CREATE UNIQUE INDEX CONCURRENTLY ${ident(index)} ON ${table} (${column})`,
      );
    }
  },
  async validate(op, resolved, phase) {
    if (resolved.renameOnly) return;
    const { table } = resolved;
    if (resolved.notNull) await validateConstraint(phase, table, resolved.notNullCheck);
    for (const k of resolved.constraints) await validateConstraint(phase, table, k.temp);
    if (op.check) await validateConstraint(phase, table, op.check.name);
    if (op.references) await validateConstraint(phase, table, op.references.name);
  },
  async contract(op, resolved, phase) {
    if (resolved.renameOnly) {
      if (op.to === undefined) return;
      const rename = { kind: 'renameColumn', table: op.table, column: op.column, to: op.to } as const;
      await renameColumnHandler.contract?.(rename, resolved, phase);
      return;
    }
    if (!(await phase.columnExists(resolved.table, resolved.temp))) return;
    const schema = phase.plan.schema;
    const table = ident(schema, resolved.table);
    // Dropping the old column drops its indexes and constraints; their copies then take their names.
    await phase.exec(sql`ALTER TABLE ${table} DROP COLUMN ${ident(resolved.physical)}`);
    await phase.exec(
      sql`ALTER TABLE ${table} RENAME COLUMN ${ident(resolved.temp)} TO ${ident(resolved.newName)}`,
    );
    if (resolved.notNull)
      await setNotNullViaCheck(phase, resolved.table, resolved.newName, resolved.notNullCheck);
    for (const ix of resolved.indexes) {
      if (ix.constraint) {
        await phase.exec(
          sql`ALTER TABLE ${table} ADD CONSTRAINT ${ident(ix.constraint)} UNIQUE USING INDEX ${ident(ix.temp)}`,
        );
        if (ix.constraint !== ix.name)
          await phase.exec(sql`ALTER INDEX ${ident(schema, ix.constraint)} RENAME TO ${ident(ix.name)}`);
      } else {
        await phase.exec(sql`ALTER INDEX ${ident(schema, ix.temp)} RENAME TO ${ident(ix.name)}`);
      }
    }
    for (const k of resolved.constraints)
      await phase.exec(sql`ALTER TABLE ${table} RENAME CONSTRAINT ${ident(k.temp)} TO ${ident(k.name)}`);
    if (op.unique) {
      const name = op.unique.name;
      await phase.exec(
        sql`ALTER TABLE ${table} ADD CONSTRAINT ${ident(name)} UNIQUE USING INDEX ${ident(tempName(name))}`,
      );
    }
  },
  async rollback(_op, resolved, phase) {
    if (resolved.renameOnly) return;
    await phase.exec(
      sql`ALTER TABLE ${ident(phase.plan.schema, resolved.table)} DROP COLUMN IF EXISTS ${ident(resolved.temp)}`,
    );
  },
};
