/**
 * Which relations a short-lock transaction locks first, and in what order (see
 * lockRelationsInOrder). Application statements reach a version-schema view, then its table, then
 * the table a sync trigger writes; so `complete` and `abort`, which drop the views, lock the views
 * first (the views of the tables the migration changes leading), then the tables in the order
 * operations ask for (a blue-green swap: the table application writes reach first), then every
 * other table the migration changes. All of it before any DDL: sluice never waits for a lock while
 * holding one (the first LOCK waits, the rest are NOWAIT), so it is never half of a deadlock.
 */
import { ident, sql } from '../../sql/tag.js';
import { lockRelationsInOrder } from '../db.js';
import type { OperationHandler, PhaseContext } from '../operation.js';
import type { OnlinePlan, PlannedStep } from '../types.js';
import { type VersionView, versionViews } from '../views.js';

export type Hook = 'expand' | 'contract' | 'dropOld' | 'rollback';

/** The tables (physical names) the transaction changes, in locking order. */
async function tablesToLock(
  x: PhaseContext,
  steps: (PlannedStep & { h: OperationHandler })[],
  hook: Hook,
): Promise<string[]> {
  const names: string[] = [];
  if (hook !== 'expand')
    for (const s of steps) names.push(...((await s.h.lockOrder?.(s.op, s.resolved, x, hook)) ?? []));
  if (hook !== 'dropOld') {
    for (const t of x.plan.tables) {
      if ((t.touched.length > 0 || t.up.length > 0 || t.down.length > 0) && t.oldName !== null)
        names.push(t.physical);
    }
  }
  return [...new Set(names)];
}

/**
 * The views `contract` and `abort` drop (both version schemas'), those over the tables they change
 * first, in `tables` order: the first lock is the one sluice waits for, and it drains that table's
 * traffic. Other hooks drop no view.
 *
 * @example
 * viewsToLock(plan, ['users'], 'contract') // [{ schema: 'sluice_base', name: 'users', … }, { schema: 'sluice_2_x', name: 'users', … }, …]
 */
export function viewsToLock(plan: OnlinePlan, tables: string[], hook: Hook): VersionView[] {
  if (hook !== 'contract' && hook !== 'rollback') return [];
  const all = [...versionViews(plan, 'old'), ...versionViews(plan, 'new')];
  const rank = (table: string | null) => {
    const i = table === null ? -1 : tables.indexOf(table);
    return i < 0 ? tables.length : i;
  };
  return all
    .map((v, i) => ({ v, i }))
    .sort((a, b) => rank(a.v.table) - rank(b.v.table) || a.i - b.i)
    .map((e) => e.v);
}

/**
 * @example
 * await withShortLocks(ctx, 'contract', (tx) => x.batch(async () => { await lockFirst(x, steps, 'contract', tx); … }));
 */
export async function lockFirst(
  x: PhaseContext,
  steps: (PlannedStep & { h: OperationHandler })[],
  hook: Hook,
  tx?: { locked(): void },
): Promise<void> {
  const tables = await tablesToLock(x, steps, hook);
  const wanted = [
    ...viewsToLock(x.plan, tables, hook),
    ...tables.map((name) => ({ schema: x.plan.schema, name })),
  ];
  // One catalog read for which of them exist (a view of an emptied schema, a table not made yet).
  const quote = (n: string) => `"${n.replace(/"/g, '""')}"`;
  const found = await x.run<{ i: number }>(
    sql`SELECT i::int AS i FROM unnest(${wanted.map((r) => `${quote(r.schema)}.${quote(r.name)}`)}::text[])
          WITH ORDINALITY AS u(name, i) WHERE to_regclass(name) IS NOT NULL ORDER BY i`,
  );
  await lockRelationsInOrder(
    (f) => x.run(f),
    found.rows.map(({ i }) => wanted[i - 1]!).map((r) => ident(r.schema, r.name)),
  );
  // Send the LOCKs now: the hold is measured from when they return.
  await x.flush();
  tx?.locked();
}
