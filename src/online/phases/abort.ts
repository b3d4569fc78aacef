/**
 * Rolls an online migration back (`sluice abort`): indexes it built are dropped CONCURRENTLY, then
 * one short-lock transaction removes the new version schema, the triggers and the temporary
 * columns and tables (or, after a blue-green swap, renames the tables back first). Every step is
 * guarded, so an abort can be repeated and finishes whatever an interrupted start or abort left.
 */
import { RefusedError } from '../../errors.js';
import { ident, sql } from '../../sql/tag.js';
import { clearBackfill } from '../backfill/index.js';
import { withShortLocks } from '../db.js';
import { STATE_SCHEMA } from '../names.js';
import { bindSteps } from '../registry.js';
import {
  checkPlanFormat,
  deleteState,
  ensureStateTable,
  readState,
  type StateRow,
  setPhase,
} from '../state.js';
import { dropTriggerStatements, needsTrigger } from '../triggers.js';
import type { OnlineContext } from '../types.js';
import { dropVersionViewsStatements } from '../views.js';
import { backfillIds } from './backfills.js';
import { phaseContext } from './context.js';
import { dropPassThroughViews, lockFirst } from './locking.js';

/**
 * Aborts an online migration; a no-op when it is unknown (already aborted, or never started).
 * `given` is the state to work from instead of the stored one (a preview's, after a previewed start).
 *
 * @example
 * await abortOnline({ conn, version, name, definition, lockTimeoutMs: 2000, lockRetries: 10 });
 */
export async function abortOnline(ctx: OnlineContext, given?: StateRow): Promise<void> {
  await ensureStateTable(ctx.conn);
  const state = given ?? (await readState(ctx.conn, ctx.version));
  if (!state) return;
  const label = `${ctx.version}_${ctx.name}`;
  if (state.phase === 'completed') {
    throw new RefusedError(
      'online-completed',
      `Online migration ${label} is already completed; it cannot be aborted.`,
      {
        hint: 'Write a new migration that reverts it.',
      },
    );
  }
  checkPlanFormat(state);
  if (state.phase !== 'aborting') await setPhase(ctx.conn, ctx.version, 'aborting');
  const plan = state.plan;
  const phase = phaseContext(ctx, plan, false);
  const steps = bindSteps(plan).reverse();
  ctx.onEvent?.({ type: 'step', message: `aborting ${label}` });
  for (const step of steps) await step.run('unbuild', phase);
  ctx.onEvent?.({ type: 'step', message: 'removing the new version' });

  await dropPassThroughViews(phase, steps, 'rollback');
  await withShortLocks(ctx, 'abort', (tx) =>
    phase.batch(async () => {
      await lockFirst(phase, steps, 'rollback', tx);
      await phase.exec(sql`DROP SCHEMA IF EXISTS ${ident(plan.newSchema)} CASCADE`);
      for (const t of plan.tables.filter(needsTrigger)) {
        if (await phase.tableExists(t.physical))
          for (const f of dropTriggerStatements(plan, t, t.physical)) await phase.exec(f);
      }
      for (const step of steps) await step.run('rollback', phase);
      // The old version schema: gone if this migration made it, else as it was before start: there,
      // without views (a swap's complete dropped it: it comes back empty).
      if (plan.createdOldSchema)
        await phase.exec(sql`DROP SCHEMA IF EXISTS ${ident(plan.oldSchema)} CASCADE`);
      else {
        await phase.exec(sql`CREATE SCHEMA IF NOT EXISTS ${ident(plan.oldSchema)}`);
        for (const f of dropVersionViewsStatements(plan, 'old')) await phase.exec(f);
      }
    }),
  );
  for (const id of backfillIds(plan, steps)) await clearBackfill(ctx.conn, id, { stateSchema: STATE_SCHEMA });
  await deleteState(ctx.conn, ctx.version);
  ctx.onEvent?.({ type: 'aborted', message: `${label} aborted` });
}
