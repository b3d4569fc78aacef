/**
 * The backfills of a plan: one column fill per table whose new columns take values from `up`
 * expressions, and those operations run themselves (a `replaceTable`'s copy). `start` runs them;
 * `complete` and `abort` clear their checkpoints.
 */
import type { BoundStep } from '../registry.js';
import type { OnlinePlan } from '../types.js';

/**
 * The column fills of a plan: for each table, the checkpoint id and the SQL each column gets.
 *
 * @example
 * columnBackfills(plan) // [{ id: 'sluice_…:users', table: 'users', set: { _sluice_age: 'age::bigint' } }]
 */
export function columnBackfills(
  plan: OnlinePlan,
): { id: string; table: string; set: Record<string, string> }[] {
  return plan.tables
    .filter((t) => t.up.some((a) => a.on === 'always'))
    .map((t) => ({
      id: `${plan.newSchema}:${t.physical}`,
      table: t.physical,
      set: Object.fromEntries(t.up.filter((a) => a.on === 'always').map((a) => [a.target, a.expr])),
    }));
}

/**
 * Every backfill checkpoint id a plan may have left.
 *
 * @example
 * for (const id of backfillIds(plan, bindSteps(plan))) await clearBackfill(conn, id, { stateSchema });
 */
export function backfillIds(plan: OnlinePlan, steps: readonly BoundStep[]): string[] {
  return [...columnBackfills(plan).map((b) => b.id), ...steps.flatMap((step) => step.backfillIds(plan))];
}
