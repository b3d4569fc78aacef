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
import { quotedName, tempName, triggerFunctionName, triggerName } from '../names.js';
import type { OperationHandler, PhaseContext } from '../operation.js';
import { PlanError } from '../plan.js';
import type { OnlinePlan, ReplaceTableOperation } from '../types.js';
import { type Carry, carryDefinition, type NewColumn } from './replace-table/carry.js';
import { readTableDefinition, type TableDefinition } from './replace-table/catalog.js';
import { carryStatements, createTable, ownerStatement } from './replace-table/ddl.js';
import { probeNewTable } from './replace-table/probe.js';
import { checkReplaceTable, describeReplaceTable } from './replace-table/spec.js';
import { adoptSequences, swapCarried, unswapCarried } from './replace-table/swap.js';
import { SYNC_SETTING, syncStatements } from './table-sync.js';

/** What planning resolves for a `replaceTable`. */
export interface ReplaceTableResolved {
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

/** The checkpoint id of the table copy's backfill. */
function copyBackfillId(plan: OnlinePlan, resolved: ReplaceTableResolved): string {
  return `${plan.newSchema}:${resolved.table}:copy`;
}

function names(phase: PhaseContext, resolved: ReplaceTableResolved) {
  const n = phase.plan.newSchema;
  return {
    fwdFn: triggerFunctionName(n, resolved.table, 'fwd'),
    revFn: triggerFunctionName(n, resolved.table, 'rev'),
    fwd: triggerName(n, 'fwd'),
    rev: triggerName(n, 'rev'),
  };
}

/** The online `replaceTable`: its checks, its planning and its phase hooks (see the file's comment). */
export const replaceTableHandler: OperationHandler<
  ReplaceTableOperation,
  ReplaceTableResolved,
  TableDefinition | undefined
> = {
  kind: 'replaceTable',
  describe: describeReplaceTable,
  check: checkReplaceTable,
  async readCatalog(op, conn, schema, info) {
    // A missing table is reported by plan, with the other planning errors.
    return info.has(op.table.name) ? readTableDefinition(conn, schema, op.table.name) : undefined;
  },
  plan(op, model, def) {
    const t = model.table(op.table);
    const info = model.tableInfo(t);
    if (!def) throw new PlanError(`the definition of table "${op.table.name}" could not be read`);
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
    const temp = tempName(op.table.name);
    t.newName = null;
    t.touched.push(...info.columns.map((c) => c.name));
    const cols = op.columns.map((c) => ({ name: c.name, physical: c.name }));
    model.tables.push({
      physical: temp,
      oldName: null,
      newName: op.table.name,
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
      oldTemp: tempName(op.table.name, 'old'),
      columns,
      copy,
      reverse,
      pkIndex: pk?.name ?? null,
      newPk: tempName(`${op.table.name}_pkey`),
      carry,
      mapping: Object.fromEntries(mapping),
    };
  },
  async probe(op, resolved, session, file) {
    if (!resolved.carry) return;
    await probeNewTable(
      session,
      {
        schema: session.schema,
        table: resolved.table,
        scratch: tempName(resolved.table, 'probe'),
        columns: resolved.columns,
        primaryKey: op.primaryKey,
        pkName: tempName(`${resolved.table}_probe_pkey`),
        carry: resolved.carry,
      },
      file,
    );
  },
  async expand(op, resolved, phase) {
    const schema = phase.plan.schema;
    // One transaction creates the table and everything carried: present means all of it is.
    const fresh = !(await phase.tableExists(resolved.temp));
    if (fresh) {
      await phase.exec(
        createTable(schema, resolved.temp, resolved.columns, resolved.newPk, op.primaryKey, resolved.carry),
      );
      if (resolved.carry)
        for (const l of carryStatements(schema, resolved.temp, resolved.carry, resolved.columns))
          await phase.exec(l.stmt);
    }
    // The application's roles write the new table too (the sync trigger runs as the writer), and
    // use it alone after the swap: it gets the old table's grants, table-wide and per column.
    const grants = copyGrantsStatement(
      [
        {
          from: { schema: phase.plan.schema, table: resolved.table },
          to: { schema: phase.plan.schema, name: resolved.temp },
          // A column keeps the grants of the old column of its name, if there is one.
          columns: resolved.columns.map((c) => ({ name: c.name, physical: c.name })),
        },
      ],
      // With the owner carried, an ACL never changed stays so (the owner's rights come with it).
      { kind: 'table', implicitOwnerRights: !resolved.carry },
    );
    if (grants) await phase.exec(grants);
    await installSync(phase, op, resolved, resolved.table, resolved.temp);
    if (fresh && resolved.carry) await phase.exec(ownerStatement(schema, resolved.temp, resolved.carry).stmt);
  },
  async backfill(op, resolved, phase) {
    const schema = phase.plan.schema;
    // Copied rows must not be echoed back into the old table by the reverse trigger.
    await phase.conn.query(`SET ${SYNC_SETTING} = 'on'`);
    try {
      await phase.backfill({
        id: copyBackfillId(phase.plan, resolved),
        mode: 'copy',
        source: { schema, name: resolved.table },
        target: { schema, name: resolved.temp },
        columns: resolved.copy,
      });
      // A row deleted between a batch's snapshot and its insert can be copied after its delete was
      // synced; remove such rows (the old table is the truth until the swap).
      const match = join(
        op.primaryKey.map((k) => sql`o.${ident(k)} = n.${ident(k)}`),
        ' AND ',
      );
      await phase.exec(
        sql`DELETE FROM ${ident(schema, resolved.temp)} n WHERE NOT EXISTS (SELECT 1 FROM ${ident(schema, resolved.table)} o WHERE ${match})`,
      );
    } finally {
      await phase.conn.query(`RESET ${SYNC_SETTING}`);
    }
    await verifyCounts(phase, resolved);
  },
  backfillIds: (_op, resolved, plan) => [copyBackfillId(plan, resolved)],
  async contract(op, resolved, phase) {
    if (await phase.tableExists(resolved.oldTemp)) return;
    const schema = phase.plan.schema;
    await phase.exec(sql`ALTER TABLE ${ident(schema, resolved.table)} RENAME TO ${ident(resolved.oldTemp)}`);
    await phase.exec(sql`ALTER TABLE ${ident(schema, resolved.temp)} RENAME TO ${ident(resolved.table)}`);
    if (resolved.pkIndex) {
      await phase.exec(
        sql`ALTER INDEX ${ident(schema, resolved.pkIndex)} RENAME TO ${ident(tempName(resolved.pkIndex, 'old'))}`,
      );
      await phase.exec(
        sql`ALTER INDEX ${ident(schema, resolved.newPk)} RENAME TO ${ident(resolved.pkIndex)}`,
      );
    }
    if (resolved.carry) await swapCarried(phase, resolved.carry, resolved.table, resolved.oldTemp);
    // Trigger bodies name their target table: point them at the tables' new names.
    await installSync(phase, op, resolved, resolved.oldTemp, resolved.table);
  },
  // Writes through the new version reach the new table first (then the reverse sync), so it is
  // locked first; the other table is then taken NOWAIT.
  async lockOrder(_op, resolved, phase, hook) {
    const swapped = await phase.tableExists(resolved.oldTemp);
    if (hook === 'contract') return swapped ? [] : [resolved.temp, resolved.table];
    if (swapped) return [resolved.table, resolved.oldTemp];
    return hook === 'rollback' && (await phase.tableExists(resolved.temp))
      ? [resolved.temp, resolved.table]
      : [resolved.table];
  },
  async dropOld(_op, resolved, phase) {
    // From here on the old table is no longer kept in sync: abort is no longer possible.
    const n = names(phase, resolved);
    if (await phase.tableExists(resolved.table))
      await phase.exec(
        sql`DROP TRIGGER IF EXISTS ${ident(n.rev)} ON ${ident(phase.plan.schema, resolved.table)}`,
      );
  },
  async dropOldData(_op, resolved, phase) {
    const schema = phase.plan.schema;
    const n = names(phase, resolved);
    if (await phase.tableExists(resolved.oldTemp)) {
      await phase.exec(sql`LOCK TABLE ${ident(schema, resolved.oldTemp)} IN ACCESS EXCLUSIVE MODE`);
      // Sequences the old table owns (serial keys) are still used by the new table's defaults.
      await adoptSequences(phase, resolved.oldTemp, resolved.table, resolved.mapping ?? {});
      await phase.exec(sql`DROP TABLE ${ident(schema, resolved.oldTemp)}`);
    }
    await phase.exec(sql`DROP FUNCTION IF EXISTS ${ident(schema, n.fwdFn)}()`);
    await phase.exec(sql`DROP FUNCTION IF EXISTS ${ident(schema, n.revFn)}()`);
  },
  async rollback(_op, resolved, phase) {
    const schema = phase.plan.schema;
    const n = names(phase, resolved);
    if (await phase.tableExists(resolved.oldTemp)) {
      // Abort after the swap: the old table is complete (kept in sync), so switching back is two renames.
      if (resolved.carry) await unswapCarried(phase, resolved.carry, resolved.table, resolved.oldTemp);
      await phase.exec(sql`ALTER TABLE ${ident(schema, resolved.table)} RENAME TO ${ident(resolved.temp)}`);
      await phase.exec(
        sql`ALTER TABLE ${ident(schema, resolved.oldTemp)} RENAME TO ${ident(resolved.table)}`,
      );
      if (resolved.pkIndex) {
        await phase.exec(
          sql`ALTER INDEX ${ident(schema, resolved.pkIndex)} RENAME TO ${ident(resolved.newPk)}`,
        );
        await phase.exec(
          sql`ALTER INDEX ${ident(schema, tempName(resolved.pkIndex, 'old'))} RENAME TO ${ident(resolved.pkIndex)}`,
        );
      }
    }
    await phase.exec(sql`DROP TABLE IF EXISTS ${ident(schema, resolved.temp)}`);
    await phase.exec(sql`DROP TRIGGER IF EXISTS ${ident(n.fwd)} ON ${ident(schema, resolved.table)}`);
    await phase.exec(sql`DROP FUNCTION IF EXISTS ${ident(schema, n.fwdFn)}()`);
    await phase.exec(sql`DROP FUNCTION IF EXISTS ${ident(schema, n.revFn)}()`);
  },
};

/**
 * (Re)installs both sync directions between the old table and the new one, by their current names.
 * Before the swap, the old table's BEFORE triggers (the new one's are disabled until then) change
 * rows written through the new version on their way into the old table: with `echo`, the result is
 * written back into the new table, so both hold the same row.
 */
async function installSync(
  phase: PhaseContext,
  op: ReplaceTableOperation,
  resolved: ReplaceTableResolved,
  oldTable: string,
  newTable: string,
): Promise<void> {
  const n = names(phase, resolved);
  const base = { schema: phase.plan.schema, key: op.primaryKey };
  const stmts = [
    ...syncStatements({
      ...base,
      source: oldTable,
      target: newTable,
      columns: resolved.copy,
      functionName: n.fwdFn,
      triggerName: n.fwd,
    }),
    ...syncStatements({
      ...base,
      source: newTable,
      target: oldTable,
      columns: resolved.reverse,
      functionName: n.revFn,
      triggerName: n.rev,
      ...(oldTable === resolved.table && resolved.carry?.echo ? { echo: resolved.copy } : {}),
    }),
  ];
  for (const f of stmts) await phase.exec(f);
}

async function verifyCounts(phase: PhaseContext, resolved: ReplaceTableResolved): Promise<void> {
  if (phase.preview) return; // nothing was copied: there is nothing to count
  const schema = phase.plan.schema;
  // One snapshot for both counts: sync triggers write both tables in the writer's transaction.
  await phase.conn.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    const res = await phase.query<{ old: string; new: string }>(
      sql`SELECT (SELECT count(*) FROM ${ident(schema, resolved.table)})::text AS old, (SELECT count(*) FROM ${ident(schema, resolved.temp)})::text AS new`,
    );
    await phase.conn.query('COMMIT');
    const row = res.rows[0];
    if (!row || row.old !== row.new) {
      throw new SluiceError(
        'online-verify-failed',
        `replaceTable ${resolved.table}: the copy has ${row?.new} rows but the table has ${row?.old}.`,
        { details: { hint: 'Run sluice abort, then report this: the sync triggers missed rows.' } },
      );
    }
    phase.onEvent?.({
      type: 'verify',
      message: `replaceTable ${resolved.table}: ${row.old} rows in both tables`,
    });
  } catch (error) {
    await phase.conn.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
