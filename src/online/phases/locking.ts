/**
 * Which relations a short-lock transaction locks first, and in what order (see
 * lockRelationsInOrder). Application statements reach a version-schema view, then its table, then
 * the table a sync trigger writes; so `complete` and `abort`, which drop the views, lock the views
 * first (those over the tables the migration changes leading, in the order operations ask for),
 * then the tables (a blue-green swap: the table application writes reach first), all before any
 * DDL, the first LOCK waiting and the rest NOWAIT: sluice does not wait for one of them while
 * holding another, so it is never half of a deadlock over them.
 *
 * PostgreSQL locks a view's tables with the view. So that `complete` and `abort` do not lock every
 * table of the schema (NOWAIT would then fail whenever any of them is in use), the views of the
 * tables the migration leaves as they are, which add nothing, are dropped first, each in a
 * transaction of its own that holds nothing else (dropPassThroughViews).
 */
import { ident, sql } from '../../sql/tag.js';
import { lockRelationsInOrder, withShortLocks } from '../db.js';
import type { PhaseContext } from '../operation.js';
import type { BoundStep } from '../registry.js';
import type { OnlinePlan } from '../types.js';
import { isPassThrough, type VersionView, versionViews } from '../views.js';

export type Hook = 'expand' | 'contract' | 'dropOld' | 'rollback';
type Steps = readonly BoundStep[];

/** The tables (physical names) the transaction changes, in locking order. */
async function tablesToLock(phase: PhaseContext, steps: Steps, hook: Hook): Promise<string[]> {
  const names: string[] = [];
  if (hook !== 'expand') for (const step of steps) names.push(...(await step.lockOrder(phase, hook)));
  if (hook === 'contract' || hook === 'rollback') {
    // Every table an operation names (an index attached as a constraint, a rename), then every
    // table whose versions differ.
    for (const step of steps) if (step.table !== undefined) names.push(step.table);
    for (const t of phase.plan.tables) if (t.oldName !== null && !isPassThrough(t)) names.push(t.physical);
  } else if (hook === 'expand') {
    for (const t of phase.plan.tables) {
      if ((t.touched.length > 0 || t.up.length > 0 || t.down.length > 0) && t.oldName !== null)
        names.push(t.physical);
    }
  }
  return [...new Set(names)];
}

/**
 * The views of tables that are the same in both versions and that no operation names: both
 * version schemas' views of them.
 *
 * @example
 * passThroughViews(plan, ['users']) // [{ schema: 'sluice_base', name: 'audit', table: 'audit' }, …]
 */
export function passThroughViews(plan: OnlinePlan, changed: string[]): VersionView[] {
  const same = new Set(
    plan.tables.filter((t) => isPassThrough(t) && !changed.includes(t.physical)).map((t) => t.physical),
  );
  return [...versionViews(plan, 'old'), ...versionViews(plan, 'new')].filter(
    (v) => v.table !== null && same.has(v.table),
  );
}

/**
 * The views `contract` and `abort` drop (both version schemas'), except the pass-through ones
 * (dropped before), those over the tables they change first, in `tables` order: the first lock is
 * the one sluice waits for, and it drains that table's traffic. Other hooks drop no view.
 *
 * @example
 * viewsToLock(plan, ['users'], 'contract') // [{ schema: 'sluice_base', name: 'users', … }, { schema: 'sluice_2_x', name: 'users', … }]
 */
export function viewsToLock(plan: OnlinePlan, tables: string[], hook: Hook): VersionView[] {
  if (hook !== 'contract' && hook !== 'rollback') return [];
  const skip = new Set(passThroughViews(plan, tables));
  const all = [...versionViews(plan, 'old'), ...versionViews(plan, 'new')].filter(
    (v) => ![...skip].some((p) => p.schema === v.schema && p.name === v.name),
  );
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
 * Drops the pass-through views of `complete` or `abort` ahead of its main transaction, one view a
 * transaction: each waits only for that view (PostgreSQL's DROP VIEW locks no table), so traffic on
 * tables the migration does not change neither blocks nor is blocked by the main transaction.
 * Idempotent; applications see no difference (the names resolve to the same tables).
 *
 * @example
 * await dropPassThroughViews(phase, steps, 'contract');
 */
export async function dropPassThroughViews(
  phase: PhaseContext,
  steps: Steps,
  hook: 'contract' | 'rollback',
): Promise<void> {
  const views = passThroughViews(phase.plan, await tablesToLock(phase, steps, hook));
  for (const view of views) {
    await withShortLocks(phase, `drop unchanged view ${view.schema}.${view.name}`, () =>
      phase.exec(sql`DROP VIEW IF EXISTS ${ident(view.schema, view.name)}`),
    );
  }
}

/**
 * @example
 * await withShortLocks(ctx, 'contract', (tx) => phase.batch(async () => { await lockFirst(phase, steps, 'contract', tx); … }));
 */
export async function lockFirst(
  phase: PhaseContext,
  steps: Steps,
  hook: Hook,
  tx?: { locked(): void },
): Promise<void> {
  const tables = await tablesToLock(phase, steps, hook);
  const wanted = [
    ...viewsToLock(phase.plan, tables, hook),
    ...tables.map((name) => ({ schema: phase.plan.schema, name })),
  ];
  // Which of them exist (a view of an emptied schema, a table not made yet): one catalog read.
  const exists = await phase.relationsExist(wanted);
  await lockRelationsInOrder(
    (f) => phase.exec(f),
    wanted.filter((_, i) => exists[i]).map((r) => ident(r.schema, r.name)),
  );
  // Send the LOCKs now: the hold is measured from when they return.
  await phase.flush();
  tx?.locked();
}
