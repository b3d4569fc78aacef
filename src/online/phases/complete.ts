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
import type { PhaseContext } from '../operation.js';
import { type BoundStep, bindSteps } from '../registry.js';
import { checkPlanFormat, ensureStateTable, readState, type StateRow, setPhaseStatement } from '../state.js';
import { dropTriggerStatements, needsTrigger } from '../triggers.js';
import type { OnlineContext } from '../types.js';
import { dropVersionViewsStatements } from '../views.js';
import { backfillIds } from './backfills.js';
import { phaseContext } from './context.js';
import { dropPassThroughViews, lockFirst } from './locking.js';

/**
 * Ends a swapped migration: stops the reverse sync and marks it completed (one short-lock
 * transaction), then drops the old tables (each DROP in its own transaction). Idempotent: a
 * completed migration only gets the second part again.
 */
export async function finishSwapped(ctx: Omit<OnlineContext, 'definition'>, state: StateRow): Promise<void> {
  checkPlanFormat(state);
  const phase = phaseContext(ctx, state.plan, true);
  const steps = bindSteps(state.plan);
  if (state.phase === 'swapped') {
    await withShortLocks(ctx, 'stop reverse sync', (tx) =>
      phase.batch(async () => {
        await lockFirst(phase, steps, 'dropOld', tx);
        for (const step of steps) await step.run('dropOld', phase);
        await phase.exec(setPhaseStatement(state.version, 'completed'));
      }),
    );
  }
  await dropOldData(ctx, phase, steps);
  ctx.onEvent?.({ type: 'drop-old', message: `dropped the old tables of ${state.version}_${state.name}` });
}

async function dropOldData(
  ctx: Omit<OnlineContext, 'definition'>,
  phase: PhaseContext,
  steps: readonly BoundStep[],
): Promise<void> {
  for (const step of steps.filter((s) => s.has('dropOldData')))
    await withShortLocks(ctx, 'drop old table', () => step.run('dropOldData', phase));
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
  checkPlanFormat(state);
  const plan = state.plan;
  const phase = phaseContext(ctx, plan, ctx.dropOld === true);
  const steps = bindSteps(plan);
  ctx.onEvent?.({ type: 'step', message: 'validating constraints' });
  for (const step of steps) await step.run('validate', phase);
  ctx.onEvent?.({ type: 'step', message: 'contract: drop the old version, rename and swap into place' });

  const keeps = !ctx.dropOld && steps.some((step) => step.has('dropOld'));
  await dropPassThroughViews(phase, steps, 'contract');
  await withShortLocks(ctx, 'contract', (tx) =>
    phase.batch(async () => {
      await lockFirst(phase, steps, 'contract', tx);
      if (plan.oldSchema !== plan.newSchema)
        await phase.exec(sql`DROP SCHEMA IF EXISTS ${ident(plan.oldSchema)} CASCADE`);
      for (const t of plan.tables.filter(needsTrigger)) {
        if (await phase.tableExists(t.physical))
          for (const f of dropTriggerStatements(plan, t, t.physical)) await phase.exec(f);
      }
      for (const step of steps.filter((s) => !s.late)) await step.run('contract', phase);
      for (const step of steps.filter((s) => s.late)) await step.run('contract', phase);
      if (ctx.dropOld) for (const step of steps) await step.run('dropOld', phase);
      for (const f of dropVersionViewsStatements(plan, 'new')) await phase.exec(f);
      await phase.exec(setPhaseStatement(ctx.version, keeps ? 'swapped' : 'completed'));
    }),
  );
  if (ctx.dropOld) await dropOldData(ctx, phase, steps);
  for (const id of backfillIds(plan, steps)) await clearBackfill(ctx.conn, id, { stateSchema: STATE_SCHEMA });
  ctx.onEvent?.({
    type: 'completed',
    message: `${label} completed${keeps ? '; the old table is kept for abort' : ''}`,
  });
}
