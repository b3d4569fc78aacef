/**
 * Columns of a table that exists on both sides: added, dropped, renamed (only when asked) and
 * altered. Type, nullability and default are one typed `alterColumn`; identity, generated
 * expression, collation, storage and statistics are SQL.
 */
import type { AddColumnOperation } from '../../operations/add-column.js';
import type { AlterColumnOperation } from '../../operations/alter-column.js';
import type { ColumnDefinition } from '../../operations/types.js';
import { collationSql, generatedSql, identitySql, statisticsSql, storageSql } from '../ddl/columns.js';
import { q, qn } from '../ddl/quote.js';
import type { Column, ObjectName, Table } from '../model.js';
import {
  change,
  deletes,
  nameOf,
  type RenameCandidate,
  review,
  type SchemaChange,
  sqlChange,
} from './change.js';
import { commentChange } from './comments.js';

/** A model column as the typed operations' column definition (collations outside `pg_catalog` apart). */
export function columnDefinition(c: Column): ColumnDefinition {
  const out: ColumnDefinition = { name: c.name, type: c.type };
  if (!c.nullable) out.nullable = false;
  if (c.default !== null) out.default = { sql: c.default };
  if (c.identity !== null) out.identity = c.identity;
  if (c.generated !== null) out.generated = c.generated;
  if (c.collation !== null && c.collation.schema === 'pg_catalog') out.collation = c.collation.name;
  if (c.comment !== null) out.comment = c.comment;
  return out;
}

/** Whether {@link columnDefinition} leaves the collation out (it is set by a separate change). */
export const collationApart = (c: Column): boolean =>
  c.collation !== null && c.collation.schema !== 'pg_catalog';

// Type changes PostgreSQL makes without a rewrite (binary-coercible, or a wider length limit).
function rewrites(from: string, to: string): boolean {
  const varchar = /^character varying(?:\((\d+)\))?$/;
  const f = varchar.exec(from);
  if (f !== null && (to === 'text' || varchar.test(to))) {
    const t = varchar.exec(to);
    if (to === 'text' || t?.[1] === undefined) return false;
    return f[1] === undefined || Number(t[1]) < Number(f[1]);
  }
  const numeric = /^numeric\((\d+),(\d+)\)$/;
  const nf = numeric.exec(from);
  const nt = numeric.exec(to);
  if (to === 'numeric' && from.startsWith('numeric')) return false;
  if (nf && nt && nf[2] === nt[2] && Number(nt[1]) >= Number(nf[1])) return false;
  return true;
}

/** The changes that turn column `from` into `to` on `table` (both named as in `to`). */
export function alterColumnChanges(table: ObjectName, from: Column, to: Column): SchemaChange[] {
  const object = { kind: 'column' as const, name: nameOf(table), member: to.name };
  const out: SchemaChange[] = [];
  const op: AlterColumnOperation = { kind: 'alterColumn', table: nameOf(table), column: to.name };
  const hazards = [];
  if (from.type !== to.type) {
    op.type = to.type;
    // No USING where the server changes the type without a rewrite; an explicit cast where it
    // rewrites anyway (it also covers types with no assignment cast, text → integer).
    if (rewrites(from.type, to.type)) {
      op.usingCast = true;
      hazards.push(
        {
          kind: 'rewritesTable' as const,
          reason: `${from.type} → ${to.type} rewrites the table and its indexes`,
        },
        review(
          `values are cast with "${to.name}"::${to.type}; write a USING expression if that cast is not what you mean`,
        ),
      );
    }
  }
  if (from.nullable !== to.nullable) op.nullable = to.nullable;
  // A generated column's default is its expression's business; an identity has none.
  if (from.default !== to.default && to.generated === null)
    op.default = to.default === null ? null : { sql: to.default };
  if (op.type !== undefined || op.nullable !== undefined || op.default !== undefined)
    out.push(change('alterTables', object, op, hazards));
  if (from.identity !== to.identity)
    out.push(
      sqlChange('alterTables', object, identitySql(table, to.name, to.identity, from.identity), {
        down: identitySql(table, to.name, from.identity, to.identity),
        hazards: [review('identity changed: no typed operation covers it')],
      }),
    );
  if (from.generated !== to.generated)
    out.push(
      sqlChange('alterTables', object, generatedSql(table, to), {
        ...(from.generated === null ? {} : { down: generatedSql(table, from) }),
        hazards: [
          { kind: 'rewritesTable', reason: 'a new generation expression recomputes every row' },
          review(
            to.generated === null || from.generated === null
              ? 'a column cannot become generated, only stop being so: drop and add it instead'
              : 'SET EXPRESSION needs PostgreSQL 17; before it, drop and add the column',
          ),
        ],
      }),
    );
  if (!sameCollation(from, to))
    out.push(
      sqlChange('alterTables', object, collationSql(table, to), {
        down: collationSql(table, from),
        hazards: [review('a collation change rebuilds the indexes on the column')],
      }),
    );
  if (from.storage !== to.storage) {
    const back = (c: Column) =>
      c.storage === null ? [review('SET STORAGE DEFAULT needs PostgreSQL 16')] : [];
    out.push(
      sqlChange('alterTables', object, storageSql(table, to), {
        down: storageSql(table, from),
        hazards: back(to),
      }),
    );
  }
  if (from.statistics !== to.statistics)
    out.push(
      sqlChange('alterTables', object, statisticsSql(table, to), { down: statisticsSql(table, from) }),
    );
  out.push(...commentChange('COLUMN', `${qn(table)}.${q(to.name)}`, from.comment, to.comment, object));
  return out;
}

const sameCollation = (a: Column, b: Column) =>
  a.collation?.schema === b.collation?.schema && a.collation?.name === b.collation?.name;

/** `addColumn`, and the SQL for what its column definition cannot say. */
export function addColumnChanges(table: ObjectName, c: Column): SchemaChange[] {
  const object = { kind: 'column' as const, name: nameOf(table), member: c.name };
  const hazards = [];
  if (!c.nullable && c.default === null && c.identity === null && c.generated === null)
    hazards.push(
      review(
        `NOT NULL without a default fails on a table that has rows: give "${c.name}" a default or backfill it first`,
      ),
    );
  if (c.identity !== null || c.generated !== null)
    hazards.push({
      kind: 'rewritesTable' as const,
      reason: 'an identity or generated column is filled by rewriting the table',
    });
  const op: AddColumnOperation = { kind: 'addColumn', table: nameOf(table), column: columnDefinition(c) };
  // A call may be volatile (nextval, random…): the compiler then splits the default off a nullable
  // column (existing rows get NULL) and refuses a NOT NULL one unless a rewrite is accepted.
  if (c.default?.includes('(')) {
    if (!c.nullable) {
      op.allowRewrite = true;
      hazards.push({
        kind: 'rewritesTable' as const,
        reason: `if ${c.default} is volatile, filling existing rows rewrites the table`,
      });
    } else
      hazards.push(
        review(
          `if ${c.default} is volatile, existing rows get NULL and only new rows the default: backfill them`,
        ),
      );
  }
  const out = [change('alterTables', object, op, hazards)];
  if (collationApart(c))
    out.push(
      sqlChange('alterTables', object, collationSql(table, c), {
        hazards: [review('collation set after the column was added')],
      }),
    );
  if (c.storage !== null) out.push(sqlChange('alterTables', object, storageSql(table, c)));
  if (c.statistics !== null) out.push(sqlChange('alterTables', object, statisticsSql(table, c)));
  return out;
}

/**
 * Columns of a table on both sides: `renamed` maps an old name to its new one.
 * Returns the changes and the dropped / added pairs of the same type (rename candidates).
 */
export function diffColumns(
  table: ObjectName,
  from: Table,
  to: Table,
  renamed: ReadonlyMap<string, string>,
): { changes: SchemaChange[]; candidates: RenameCandidate[]; changed: boolean } {
  const changes: SchemaChange[] = [];
  const target = new Map(to.columns.map((c) => [c.name, c]));
  const kept = new Set<string>();
  let changed = false;
  for (const old of from.columns) {
    const newName = renamed.get(old.name) ?? old.name;
    const now = target.get(newName);
    if (now === undefined) {
      changed = true;
      changes.push(
        change(
          'dropColumns',
          { kind: 'column', name: nameOf(table), member: old.name },
          { kind: 'dropColumn', table: nameOf(table), column: old.name },
          [deletes(`the values of ${table.schema}.${table.name}.${old.name} are lost`)],
        ),
      );
      continue;
    }
    kept.add(newName);
    if (newName !== old.name) {
      changed = true;
      changes.push(
        change(
          'renameTables',
          { kind: 'column', name: nameOf(table), member: newName },
          {
            kind: 'renameColumn',
            table: nameOf(table),
            column: old.name,
            to: newName,
          },
        ),
      );
    }
    const altered = alterColumnChanges(table, old, now);
    if (altered.some((c) => c.phase !== 'comments')) changed = true;
    changes.push(...altered);
  }
  const added = to.columns.filter((c) => !kept.has(c.name));
  for (const c of added) changes.push(...addColumnChanges(table, c));
  const dropped = from.columns.filter(
    (c) => !to.columns.some((n) => n.name === (renamed.get(c.name) ?? c.name)),
  );
  const candidates: RenameCandidate[] = [];
  for (const d of dropped)
    for (const a of added)
      if (d.type === a.type)
        candidates.push({
          kind: 'column',
          table: nameOf(table),
          from: d.name,
          to: a.name,
          reason: `same type (${a.type})`,
        });
  return { changes, candidates, changed };
}
