/**
 * The contract phase (`sluice complete`). Constraints are validated first, with no strong lock;
 * then one short-lock transaction drops the old version schema and the triggers and puts every
 * column and table in its final place. Because that transaction also records the new phase, a crash
 * leaves either nothing or everything done.
 */
import { SluiceError } from '../../errors.js';
import { ident, sql } from '../../sql/tag.js';
import { clearBackfill } from '../backfill/index.js';
import { withShortLocks } from '../db.js';
import { STATE_SCHEMA } from '../names.js';
import type { OperationHandler } from '../operation.js';
import { handlerFor } from '../registry.js';
import { ensureStateTable, readState, type StateRow, setPhaseStatement } from '../state.js';
import { dropTriggerStatements, needsTrigger } from '../triggers.js';
import type { OnlineContext, OnlineOperation, OnlinePlan } from '../types.js';
import { dropVersionViewsStatements } from '../views.js';
import { phaseContext } from './context.js';
import { dropPassThroughViews, lockFirst } from './locking.js';

/** Every backfill checkpoint id a plan may have left. */
export function backfillIds(plan: OnlinePlan): string[] {
  const ids = plan.tables
    .filter((t) => t.up.some((a) => a.on === 'always'))
    .map((t) => `${plan.newSchema}:${t.physical}`);
  for (const s of plan.steps) {
    const r = s.resolved as { table?: string };
    if (s.op.kind === 'replaceTable' && r.table) ids.push(`${plan.newSchema}:${r.table}:copy`);
  }
  return ids;
}

/**
 * Ends a swapped migration: stops the reverse sync and marks it completed (one short-lock
 * transaction), then drops the old tables (each DROP in its own transaction). Idempotent: a
 * completed migration only gets the second part again.
 */
export async function finishSwapped(ctx: Omit<OnlineContext, 'definition'>, state: StateRow): Promise<void> {
  const x = phaseContext(ctx, state.plan, true);
  const steps = state.plan.steps.map((s) => ({ ...s, h: handlerFor(s.op.kind)! }));
  if (state.phase === 'swapped') {
    await withShortLocks(ctx, 'stop reverse sync', (tx) =>
      x.batch(async () => {
        await lockFirst(x, steps, 'dropOld', tx);
        for (const s of steps) await s.h.dropOld?.(s.op, s.resolved, x);
        await x.run(setPhaseStatement(state.version, 'completed'));
      }),
    );
  }
  await dropOldData(ctx, x, steps);
  ctx.onEvent?.({ type: 'drop-old', message: `dropped the old tables of ${state.version}_${state.name}` });
}

async function dropOldData(
  ctx: Omit<OnlineContext, 'definition'>,
  x: ReturnType<typeof phaseContext>,
  steps: { op: OnlineOperation; resolved: Record<string, unknown>; h: OperationHandler }[],
): Promise<void> {
  for (const s of steps) {
    if (!s.h.dropOldData) continue;
    await withShortLocks(ctx, 'drop old table', () => s.h.dropOldData!(s.op, s.resolved, x));
  }
}

/**
 * Runs the contract phase of an active online migration. With `dropOld`, a replaced table's old copy
 * is dropped too (also when the swap was done by an earlier `complete`). `given` is the state to
 * work from instead of the stored one (a preview's, after a previewed start).
 *
 * @example
 * await completeOnline({ conn, version, name, definition, lockTimeoutMs: 2000, lockRetries: 10, dropOld: true });
 */
export async function completeOnline(
  ctx: OnlineContext & { dropOld?: boolean },
  given?: StateRow,
): Promise<void> {
  await ensureStateTable(ctx.conn);
  const state = given ?? (await readState(ctx.conn, ctx.version));
  const label = `${ctx.version}_${ctx.name}`;
  if (!state) throw new SluiceError('online-not-started', `Online migration ${label} has not been started.`);
  if (state.phase === 'completed' || state.phase === 'swapped') {
    // complete --drop-old after the swap (or again after a crash between its two transactions).
    if (ctx.dropOld) await finishSwapped(ctx, state);
    return;
  }
  if (state.phase !== 'active') {
    throw new SluiceError('online-not-active', `Online migration ${label} is ${state.phase}, not active.`, {
      details: {
        hint:
          state.phase === 'expanding'
            ? 'Run sluice up to finish its start, or sluice abort.'
            : 'Run sluice abort to finish it.',
      },
    });
  }
  const plan = state.plan;
  const x = phaseContext(ctx, plan, ctx.dropOld === true);
  const steps = plan.steps.map((s) => ({ ...s, h: handlerFor(s.op.kind)! }));
  ctx.onEvent?.({ type: 'step', message: 'validating constraints' });
  for (const s of steps) await s.h.validate?.(s.op, s.resolved, x);
  ctx.onEvent?.({ type: 'step', message: 'contract: drop the old version, rename and swap into place' });

  const keeps = !ctx.dropOld && steps.some((s) => s.h.dropOld);
  await dropPassThroughViews(x, steps, 'contract');
  await withShortLocks(ctx, 'contract', (tx) =>
    x.batch(async () => {
      await lockFirst(x, steps, 'contract', tx);
      if (plan.oldSchema !== plan.newSchema)
        await x.run(sql`DROP SCHEMA IF EXISTS ${ident(plan.oldSchema)} CASCADE`);
      for (const t of plan.tables.filter(needsTrigger)) {
        if (await x.tableExists(t.physical))
          for (const f of dropTriggerStatements(plan, t, t.physical)) await x.run(f);
      }
      for (const s of steps.filter((s) => !s.h.late)) await s.h.contract?.(s.op, s.resolved, x);
      for (const s of steps.filter((s) => s.h.late)) await s.h.contract?.(s.op, s.resolved, x);
      if (ctx.dropOld) for (const s of steps) await s.h.dropOld?.(s.op, s.resolved, x);
      for (const f of dropVersionViewsStatements(plan, 'new')) await x.run(f);
      await x.run(setPhaseStatement(ctx.version, keeps ? 'swapped' : 'completed'));
    }),
  );
  if (ctx.dropOld) await dropOldData(ctx, x, steps);
  for (const id of backfillIds(plan)) await clearBackfill(ctx.conn, id, { stateSchema: STATE_SCHEMA });
  ctx.onEvent?.({
    type: 'completed',
    message: `${label} completed${keeps ? '; the old table is kept for abort' : ''}`,
  });
}
