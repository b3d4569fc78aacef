/**
 * `replaceTable`: blue-green table swap. `start` creates the new table under a temporary name with
 * everything the old one has (replace-table/: read from the catalog, mapped onto the new columns,
 * tried in a rolled-back transaction before anything changes), installs row sync in both
 * directions (see table-sync.ts), copies existing rows in resumable batches and checks that both
 * tables hold the same keys. `complete` swaps the names in one short-lock, catalog-only transaction
 * (tables, index names, identities, user triggers: replace-table/swap.ts) and keeps the old table,
 * still in sync, so `abort` after the swap switches back instantly with every row written in
 * between. `complete --drop-old` (or the next online migration) drops it.
 *
 * Limits: the primary key keeps its column names; no other table may reference the table by a
 * foreign key (refused: it would keep pointing at the old table); TRUNCATE is not synced.
 */
import { SluiceError } from '../../errors.js';
import { ident, join, sql } from '../../sql/tag.js';
import { copyGrantsStatement } from '../grants.js';
import { tempName, triggerFunctionName, triggerName } from '../names.js';
import type { OperationHandler, PhaseContext } from '../operation.js';
import { PlanError } from '../plan.js';
import type { ReplaceTableOp } from '../types.js';
import { missing, quotedName } from './common.js';
import { type Carry, carryDefinition, type NewColumn } from './replace-table/carry.js';
import { readTableDefinition, type TableDefinition } from './replace-table/catalog.js';
import { carryStatements, createTable, ownerStatement } from './replace-table/ddl.js';
import { probeNewTable } from './replace-table/probe.js';
import { adoptSequences, swapCarried, unswapCarried } from './replace-table/swap.js';
import { SYNC_SETTING, syncStatements } from './table-sync.js';

/**
 * @example
 * op.replaceTable('users', {
 *   columns: [{ name: 'id', type: 'bigint', notNull: true }, { name: 'full_name', type: 'text' }],
 *   primaryKey: ['id'],
 *   copy: { full_name: "first_name || ' ' || last_name" },
 * })
 */
export function replaceTable(table: string, spec: Omit<ReplaceTableOp, 'kind' | 'table'>): ReplaceTableOp {
  return { kind: 'replaceTable', table, ...spec };
}

interface Resolved {
  table: string;
  temp: string;
  oldTemp: string;
  columns: NewColumn[];
  copy: Record<string, string>;
  reverse: Record<string, string>;
  pkIndex: string | null;
  /** Name of the new table's primary key while it is the copy. */
  newPk: string;
  /** What the new table gets besides its columns (absent in plans stored by older versions). */
  carry?: Carry;
  /** Old column → the new column it becomes. */
  mapping?: Record<string, string>;
}

function names(x: PhaseContext, r: Resolved) {
  const n = x.plan.newSchema;
  return {
    fwdFn: triggerFunctionName(n, r.table, 'fwd'),
    revFn: triggerFunctionName(n, r.table, 'rev'),
    fwd: triggerName(n, 'fwd'),
    rev: triggerName(n, 'rev'),
  };
}

export const replaceTableHandler: OperationHandler<ReplaceTableOp, Resolved> = {
  kind: 'replaceTable',
  check(op) {
    const m = missing({ table: op.table });
    if (m) return m;
    if (!Array.isArray(op.columns) || op.columns.length === 0)
      return "`columns` must list the new table's columns";
    for (const c of op.columns) {
      const cm = missing({ 'column.name': c?.name, 'column.type': c?.type });
      if (cm) return cm;
      if (c.identity !== undefined && c.identity !== 'always' && c.identity !== 'by default')
        return `column "${c.name}": \`identity\` must be 'always' or 'by default'`;
      if (c.default !== undefined && c.default !== null && typeof c.default !== 'string')
        return `column "${c.name}": \`default\` must be SQL text, or null for none`;
    }
    if (op.omit !== undefined && (!Array.isArray(op.omit) || op.omit.some((n) => typeof n !== 'string')))
      return '`omit` must list names of indexes, constraints, triggers or policies';
    if (!Array.isArray(op.primaryKey) || op.primaryKey.length === 0)
      return 'a `primaryKey` is needed (rows are synced by key)';
    const cols = op.columns.map((c) => c.name);
    const bad = op.primaryKey.find((k) => !cols.includes(k));
    if (bad) return `primary key column "${bad}" is not in \`columns\``;
    const exprs = [...Object.values(op.copy ?? {}), ...Object.values(op.reverse ?? {})];
    if (exprs.some((e) => typeof e !== 'string' || e.includes('$sluice$')))
      return 'copy/reverse expressions must be SQL strings';
    const unknown = Object.keys(op.copy ?? {}).find((k) => !cols.includes(k));
    if (unknown) return `\`copy\` names "${unknown}", which is not a column of the new table`;
    return null;
  },
  async readCatalog(op, conn, schema, info) {
    // A missing table is reported by plan, with the other planning errors.
    return info.has(op.table) ? readTableDefinition(conn, schema, op.table) : undefined;
  },
  plan(op, b, def?: TableDefinition) {
    const t = b.table(op.table);
    const info = b.tableInfo(t);
    if (!def) throw new PlanError(`the definition of table "${op.table}" could not be read`);
    if (info.primaryKey.join(',') !== op.primaryKey.join(',')) {
      throw new PlanError(
        `the primary key must keep its columns (${info.primaryKey.join(', ') || 'none'}), got (${op.primaryKey.join(', ')})`,
        'Rows are matched between the two tables by key; change the key in a separate step.',
      );
    }
    const { columns, carry, mapping } = carryDefinition(op, def);
    const copy: Record<string, string> = {};
    for (const c of columns) {
      if (op.primaryKey.includes(c.name) && op.copy?.[c.name] !== undefined) {
        throw new PlanError(`key column "${c.name}" is copied as is; drop it from \`copy\``);
      }
      if (c.generated) continue; // computed by the new table itself
      const expr =
        op.copy?.[c.name] ?? (info.columns.some((o) => o.name === c.name) ? quotedName(c.name) : undefined);
      if (expr !== undefined) copy[c.name] = expr;
      else if (c.notNull && !c.default) {
        throw new PlanError(
          `new column "${c.name}" is NOT NULL but has no default, no copy expression and no old column`,
        );
      }
    }
    const reverse: Record<string, string> = {};
    for (const o of def.columns) {
      if (o.generated) continue;
      const to = mapping.get(o.name);
      const expr = op.reverse?.[o.name] ?? (to !== undefined ? quotedName(to) : undefined);
      if (expr !== undefined) reverse[o.name] = expr;
      else if (o.notNull && !o.default && !o.identity) {
        throw new PlanError(
          `old column "${o.name}" is NOT NULL without a default and the new table has no such column`,
          `Say how to fill it from a new row: reverse: { ${o.name}: '<SQL over the new columns>' }.`,
        );
      }
    }
    const temp = tempName(op.table);
    t.newName = null;
    t.touched.push(...info.columns.map((c) => c.name));
    const cols = op.columns.map((c) => ({ name: c.name, physical: c.name }));
    b.tables.push({
      physical: temp,
      oldName: null,
      newName: op.table,
      oldColumns: [],
      newColumns: cols,
      primaryKey: [...op.primaryKey],
      up: [],
      down: [],
      tempColumns: [],
      touched: cols.map((c) => c.name),
    });
    const pk = info.indexes.find((i) => i.primary);
    return {
      table: t.physical,
      temp,
      oldTemp: tempName(op.table, 'old'),
      columns,
      copy,
      reverse,
      pkIndex: pk?.name ?? null,
      newPk: tempName(`${op.table}_pkey`),
      carry,
      mapping: Object.fromEntries(mapping),
    };
  },
  async probe(op, r, s, file) {
    if (!r.carry) return;
    await probeNewTable(
      s,
      {
        schema: s.schema,
        table: r.table,
        scratch: tempName(r.table, 'probe'),
        columns: r.columns,
        primaryKey: op.primaryKey,
        pkName: tempName(`${r.table}_probe_pkey`),
        carry: r.carry,
      },
      file,
    );
  },
  async expand(op, r, x) {
    const s = x.plan.schema;
    // One transaction creates the table and everything carried: present means all of it is.
    const fresh = !(await x.tableExists(r.temp));
    if (fresh) {
      await x.run(createTable(s, r.temp, r.columns, r.newPk, op.primaryKey, r.carry));
      if (r.carry) for (const l of carryStatements(s, r.temp, r.carry, r.columns)) await x.run(l.stmt);
    }
    // The application's roles write the new table too (the sync trigger runs as the writer), and
    // use it alone after the swap: it gets the old table's grants, table-wide and per column.
    const grants = copyGrantsStatement(
      [
        {
          from: { schema: x.plan.schema, table: r.table },
          to: { schema: x.plan.schema, name: r.temp },
          // A column keeps the grants of the old column of its name, if there is one.
          columns: r.columns.map((c) => ({ name: c.name, physical: c.name })),
        },
      ],
      // With the owner carried, an ACL never changed stays so (the owner's rights come with it).
      { kind: 'table', implicitOwnerRights: !r.carry },
    );
    if (grants) await x.run(grants);
    await installSync(x, op, r, r.table, r.temp);
    if (fresh && r.carry) await x.run(ownerStatement(s, r.temp, r.carry).stmt);
  },
  async backfill(op, r, x) {
    const schema = x.plan.schema;
    // Copied rows must not be echoed back into the old table by the reverse trigger.
    await x.conn.query(`SET ${SYNC_SETTING} = 'on'`);
    try {
      await x.backfill({
        id: `${x.plan.newSchema}:${r.table}:copy`,
        mode: 'copy',
        source: { schema, name: r.table },
        target: { schema, name: r.temp },
        columns: r.copy,
      });
      // A row deleted between a batch's snapshot and its insert can be copied after its delete was
      // synced; remove such rows (the old table is the truth until the swap).
      const match = join(
        op.primaryKey.map((k) => sql`o.${ident(k)} = n.${ident(k)}`),
        ' AND ',
      );
      await x.run(
        sql`DELETE FROM ${ident(schema, r.temp)} n WHERE NOT EXISTS (SELECT 1 FROM ${ident(schema, r.table)} o WHERE ${match})`,
      );
    } finally {
      await x.conn.query(`RESET ${SYNC_SETTING}`);
    }
    await verifyCounts(x, r);
  },
  async contract(op, r, x) {
    if (await x.tableExists(r.oldTemp)) return;
    const s = x.plan.schema;
    await x.run(sql`ALTER TABLE ${ident(s, r.table)} RENAME TO ${ident(r.oldTemp)}`);
    await x.run(sql`ALTER TABLE ${ident(s, r.temp)} RENAME TO ${ident(r.table)}`);
    if (r.pkIndex) {
      await x.run(sql`ALTER INDEX ${ident(s, r.pkIndex)} RENAME TO ${ident(tempName(r.pkIndex, 'old'))}`);
      await x.run(sql`ALTER INDEX ${ident(s, r.newPk)} RENAME TO ${ident(r.pkIndex)}`);
    }
    if (r.carry) await swapCarried(x, r.carry, r.table, r.oldTemp);
    // Trigger bodies name their target table: point them at the tables' new names.
    await installSync(x, op, r, r.oldTemp, r.table);
  },
  // Writes through the new version reach the new table first (then the reverse sync), so it is
  // locked first; the other table is then taken NOWAIT.
  async lockOrder(_op, r, x, hook) {
    const swapped = await x.tableExists(r.oldTemp);
    if (hook === 'contract') return swapped ? [] : [r.temp, r.table];
    if (swapped) return [r.table, r.oldTemp];
    return hook === 'rollback' && (await x.tableExists(r.temp)) ? [r.temp, r.table] : [r.table];
  },
  async dropOld(_op, r, x) {
    // From here on the old table is no longer kept in sync: abort is no longer possible.
    const n = names(x, r);
    if (await x.tableExists(r.table))
      await x.run(sql`DROP TRIGGER IF EXISTS ${ident(n.rev)} ON ${ident(x.plan.schema, r.table)}`);
  },
  async dropOldData(_op, r, x) {
    const s = x.plan.schema;
    const n = names(x, r);
    if (await x.tableExists(r.oldTemp)) {
      await x.run(sql`LOCK TABLE ${ident(s, r.oldTemp)} IN ACCESS EXCLUSIVE MODE`);
      // Sequences the old table owns (serial keys) are still used by the new table's defaults.
      await adoptSequences(x, r.oldTemp, r.table, r.mapping ?? {});
      await x.run(sql`DROP TABLE ${ident(s, r.oldTemp)}`);
    }
    await x.run(sql`DROP FUNCTION IF EXISTS ${ident(s, n.fwdFn)}()`);
    await x.run(sql`DROP FUNCTION IF EXISTS ${ident(s, n.revFn)}()`);
  },
  async rollback(_op, r, x) {
    const s = x.plan.schema;
    const n = names(x, r);
    if (await x.tableExists(r.oldTemp)) {
      // Abort after the swap: the old table is complete (kept in sync), so switching back is two renames.
      if (r.carry) await unswapCarried(x, r.carry, r.table, r.oldTemp);
      await x.run(sql`ALTER TABLE ${ident(s, r.table)} RENAME TO ${ident(r.temp)}`);
      await x.run(sql`ALTER TABLE ${ident(s, r.oldTemp)} RENAME TO ${ident(r.table)}`);
      if (r.pkIndex) {
        await x.run(sql`ALTER INDEX ${ident(s, r.pkIndex)} RENAME TO ${ident(r.newPk)}`);
        await x.run(sql`ALTER INDEX ${ident(s, tempName(r.pkIndex, 'old'))} RENAME TO ${ident(r.pkIndex)}`);
      }
    }
    await x.run(sql`DROP TABLE IF EXISTS ${ident(s, r.temp)}`);
    await x.run(sql`DROP TRIGGER IF EXISTS ${ident(n.fwd)} ON ${ident(s, r.table)}`);
    await x.run(sql`DROP FUNCTION IF EXISTS ${ident(s, n.fwdFn)}()`);
    await x.run(sql`DROP FUNCTION IF EXISTS ${ident(s, n.revFn)}()`);
  },
};

/**
 * (Re)installs both sync directions between the old table and the new one, by their current names.
 * Before the swap, the old table's BEFORE triggers (the new one's are disabled until then) change
 * rows written through the new version on their way into the old table: with `echo`, the result is
 * written back into the new table, so both hold the same row.
 */
async function installSync(
  x: PhaseContext,
  op: ReplaceTableOp,
  r: Resolved,
  oldTable: string,
  newTable: string,
): Promise<void> {
  const n = names(x, r);
  const base = { schema: x.plan.schema, key: op.primaryKey };
  const stmts = [
    ...syncStatements({
      ...base,
      source: oldTable,
      target: newTable,
      columns: r.copy,
      functionName: n.fwdFn,
      triggerName: n.fwd,
    }),
    ...syncStatements({
      ...base,
      source: newTable,
      target: oldTable,
      columns: r.reverse,
      functionName: n.revFn,
      triggerName: n.rev,
      ...(oldTable === r.table && r.carry?.echo ? { echo: r.copy } : {}),
    }),
  ];
  for (const f of stmts) await x.run(f);
}

async function verifyCounts(x: PhaseContext, r: Resolved): Promise<void> {
  if (x.preview) return; // nothing was copied: there is nothing to count
  const s = x.plan.schema;
  // One snapshot for both counts: sync triggers write both tables in the writer's transaction.
  await x.conn.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    const res = await x.run<{ old: string; new: string }>(
      sql`SELECT (SELECT count(*) FROM ${ident(s, r.table)})::text AS old, (SELECT count(*) FROM ${ident(s, r.temp)})::text AS new`,
    );
    await x.conn.query('COMMIT');
    const row = res.rows[0];
    if (!row || row.old !== row.new) {
      throw new SluiceError(
        'online-verify-failed',
        `replaceTable ${r.table}: the copy has ${row?.new} rows but the table has ${row?.old}.`,
        { details: { hint: 'Run sluice abort, then report this: the sync triggers missed rows.' } },
      );
    }
    x.onEvent?.({ type: 'verify', message: `replaceTable ${r.table}: ${row.old} rows in both tables` });
  } catch (error) {
    await x.conn.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
