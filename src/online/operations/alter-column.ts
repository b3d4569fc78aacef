/**
 * `alterColumn` (and `setNotNull`, which is an alterColumn): pgroll's duplicate-and-swap. The new
 * version gets a temporary copy of the column with the new type, default, nullability and
 * constraints; the dual-write trigger keeps both in step (`up` from old writes, `down` from new
 * writes) and the backfill fills the copy. Single-column indexes and constraints of the column are
 * duplicated onto the copy (NOT VALID / CONCURRENTLY). `complete` drops the old column and renames
 * the copy, its indexes and constraints into place in one short-lock transaction.
 *
 * A pure rename (`{ name }` only) is a renameColumn.
 */
import { ident, raw, sql } from '../../sql/tag.js';
import { renameInExpression } from '../expr.js';
import { tempName } from '../names.js';
import type { OperationHandler } from '../operation.js';
import { PlanError } from '../plan.js';
import type { AlterColumnChanges, AlterColumnOp } from '../types.js';
import {
  addConstraintNotValid,
  columnDdl,
  missing,
  quotedName,
  setNotNullViaCheck,
  validateConstraint,
} from './common.js';
import { renameColumnHandler } from './rename-column.js';

/**
 * @example
 * op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' })
 */
export function alterColumn(table: string, column: string, changes: AlterColumnChanges): AlterColumnOp {
  return { kind: 'alterColumn', table, column, changes };
}

interface Dup {
  /** Original name (restored at complete). */
  name: string;
  temp: string;
  /** Index: CREATE statement pieces; constraint: its definition rewritten for the copy. */
  def: string;
  unique?: boolean;
  method?: string;
  /** Backs a unique constraint of this name. */
  constraint?: string | null;
}

interface Resolved {
  table: string;
  physical: string;
  temp: string;
  newName: string;
  type: string;
  default: string | null;
  notNull: boolean;
  notNullCheck: string;
  indexes: Dup[];
  constraints: Dup[];
  /** Only `name` changed: handled as a renameColumn. */
  renameOnly: boolean;
}

const KEYS: (keyof AlterColumnChanges)[] = [
  'name',
  'type',
  'default',
  'notNull',
  'check',
  'unique',
  'references',
  'up',
  'down',
];

export const alterColumnHandler: OperationHandler<AlterColumnOp, Resolved> = {
  kind: 'alterColumn',
  check(op) {
    const m = missing({ table: op.table, column: op.column });
    if (m) return m;
    const ch = op.changes ?? {};
    const unknown = Object.keys(ch).filter((k) => !KEYS.includes(k as keyof AlterColumnChanges));
    if (unknown.length) return `unknown change(s) ${unknown.join(', ')}; allowed: ${KEYS.join(', ')}`;
    if (!KEYS.some((k) => ch[k] !== undefined)) return 'it changes nothing';
    return null;
  },
  plan(op, b) {
    const ch = op.changes;
    const t = b.table(op.table);
    const c = b.column(t, op.column);
    const physical = c.physical;
    const onlyName = Object.keys(ch).every(
      (k) => k === 'name' || ch[k as keyof AlterColumnChanges] === undefined,
    );
    if (onlyName && ch.name) {
      renameColumnHandler.plan({ kind: 'renameColumn', table: op.table, from: op.column, to: ch.name }, b);
      return { table: t.physical, physical, renameOnly: true } as Resolved;
    }
    const info = b.tableInfo(t);
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
    const indexes: Dup[] = [];
    for (const ix of info.indexes.filter((i) => i.columns.includes(physical))) {
      if (ix.columns.length > 1 || ix.complex) {
        throw new PlanError(
          `column "${op.column}" is part of index "${ix.name}" over several columns or an expression`,
          'Drop that index in an earlier migration and recreate it with createIndex after this one, or use replaceTable.',
        );
      }
      indexes.push({
        name: ix.name,
        temp: tempName(ix.name),
        def: '',
        unique: ix.unique,
        method: ix.method,
        constraint: ix.constraint,
      });
    }
    const constraints: Dup[] = [];
    for (const con of info.constraints.filter(
      (k) => k.columns.includes(physical) && (k.type === 'c' || k.type === 'f'),
    )) {
      if (con.columns.length > 1) {
        throw new PlanError(
          `column "${op.column}" is part of constraint "${con.name}" over several columns`,
          'Use replaceTable.',
        );
      }
      constraints.push({ name: con.name, temp: tempName(con.name), def: con.def });
    }
    const newName = ch.name ?? c.name;
    if (ch.name && ch.name !== c.name) b.free(t, ch.name);
    const temp = tempName(physical);
    b.touch(t, physical);
    b.touch(t, temp);
    c.physical = temp;
    c.name = newName;
    t.tempColumns.push(temp);
    const type = ch.type ?? col.type;
    t.tempTypes = { ...t.tempTypes, [temp]: type };
    const at = `alterColumn ${op.table}.${op.column}`;
    t.up.push({ target: temp, expr: ch.up ?? quotedName(physical), on: 'always', source: `${at} (up)` });
    t.down.push({
      target: physical,
      expr: ch.down ?? quotedName(newName),
      on: 'always',
      source: `${at} (down)`,
    });
    return {
      table: t.physical,
      physical,
      temp,
      newName,
      type,
      default: ch.default === undefined ? col.default : ch.default,
      notNull: ch.notNull ?? col.notNull,
      notNullCheck: tempName(physical, 'nn'),
      indexes,
      constraints,
      renameOnly: false,
    };
  },
  async expand(op, r, x) {
    if (r.renameOnly) return;
    const ch = op.changes;
    await x.run(
      sql`ALTER TABLE ${ident(x.plan.schema, r.table)} ADD COLUMN IF NOT EXISTS ${ident(r.temp)} ${columnDdl(r.type, r.default)}`,
    );
    if (r.notNull)
      await addConstraintNotValid(x, r.table, r.notNullCheck, sql`CHECK (${ident(r.temp)} IS NOT NULL)`);
    for (const k of r.constraints) {
      // Only the column list is rewritten for a foreign key: the referenced column may share its name.
      const def = k.def.startsWith('FOREIGN KEY')
        ? k.def.replace(/^FOREIGN KEY \([^)]*\)/, `FOREIGN KEY (${quotedName(r.temp)})`)
        : renameInExpression(k.def.replace(/\s+NOT VALID$/, ''), r.physical, r.temp);
      await addConstraintNotValid(x, r.table, k.temp, raw(def.replace(/\s+NOT VALID$/, '')));
    }
    if (ch.check) {
      const expr = renameInExpression(
        renameInExpression(ch.check.expr, r.newName, r.temp),
        op.column,
        r.temp,
      );
      await addConstraintNotValid(x, r.table, ch.check.name, sql`CHECK (${raw(expr)})`);
    }
    if (ch.references) {
      const f = ch.references;
      const onDelete = f.onDelete ? raw(` ON DELETE ${f.onDelete}`) : raw('');
      const def = sql`FOREIGN KEY (${ident(r.temp)}) REFERENCES ${ident(x.plan.schema, f.table)} (${ident(f.column)})${onDelete}`;
      await addConstraintNotValid(x, r.table, f.name, def);
    }
  },
  async build(op, r, x) {
    if (r.renameOnly) return;
    const table = ident(x.plan.schema, r.table);
    for (const ix of r.indexes) {
      const unique = raw(ix.unique ? 'UNIQUE ' : '');
      const using = raw(ix.method ?? 'btree');
      await x.buildIndex(
        ix.temp,
        sql`CREATE ${unique}INDEX CONCURRENTLY ${ident(ix.temp)} ON ${table} USING ${using} (${ident(r.temp)})`,
      );
    }
    if (op.changes.unique) {
      const u = tempName(op.changes.unique.name);
      await x.buildIndex(u, sql`CREATE UNIQUE INDEX CONCURRENTLY ${ident(u)} ON ${table} (${ident(r.temp)})`);
    }
  },
  async validate(op, r, x) {
    if (r.renameOnly) return;
    if (r.notNull) await validateConstraint(x, r.table, r.notNullCheck);
    for (const k of r.constraints) await validateConstraint(x, r.table, k.temp);
    if (op.changes.check) await validateConstraint(x, r.table, op.changes.check.name);
    if (op.changes.references) await validateConstraint(x, r.table, op.changes.references.name);
  },
  async contract(op, r, x) {
    if (r.renameOnly) {
      if (op.changes.name) {
        const rename = {
          kind: 'renameColumn' as const,
          table: op.table,
          from: op.column,
          to: op.changes.name,
        };
        await renameColumnHandler.contract?.(rename, { table: r.table, physical: r.physical }, x);
      }
      return;
    }
    if (!(await x.columnExists(r.table, r.temp))) return;
    const table = ident(x.plan.schema, r.table);
    // Dropping the old column drops its indexes and constraints; their copies then take their names.
    await x.run(sql`ALTER TABLE ${table} DROP COLUMN ${ident(r.physical)}`);
    await x.run(sql`ALTER TABLE ${table} RENAME COLUMN ${ident(r.temp)} TO ${ident(r.newName)}`);
    if (r.notNull) await setNotNullViaCheck(x, r.table, r.newName, r.notNullCheck);
    for (const ix of r.indexes) {
      if (ix.constraint) {
        await x.run(
          sql`ALTER TABLE ${table} ADD CONSTRAINT ${ident(ix.constraint)} UNIQUE USING INDEX ${ident(ix.temp)}`,
        );
        if (ix.constraint !== ix.name)
          await x.run(sql`ALTER INDEX ${ident(x.plan.schema, ix.constraint)} RENAME TO ${ident(ix.name)}`);
      } else {
        await x.run(sql`ALTER INDEX ${ident(x.plan.schema, ix.temp)} RENAME TO ${ident(ix.name)}`);
      }
    }
    for (const k of r.constraints)
      await x.run(sql`ALTER TABLE ${table} RENAME CONSTRAINT ${ident(k.temp)} TO ${ident(k.name)}`);
    if (op.changes.unique) {
      const u = op.changes.unique.name;
      await x.run(
        sql`ALTER TABLE ${table} ADD CONSTRAINT ${ident(u)} UNIQUE USING INDEX ${ident(tempName(u))}`,
      );
    }
  },
  async rollback(_op, r, x) {
    if (r.renameOnly) return;
    await x.run(sql`ALTER TABLE ${ident(x.plan.schema, r.table)} DROP COLUMN IF EXISTS ${ident(r.temp)}`);
  },
};
