/**
 * Which tables a short-lock transaction locks first, and in what order (see lockTablesInOrder):
 * the order operations ask for (a blue-green swap: the table application writes reach first), then
 * every other table the migration changes. Locking tables before dropping a version schema also
 * keeps sluice from holding a view while waiting for its table.
 */
import { ident } from '../../sql/tag.js';
import { lockTablesInOrder } from '../db.js';
import type { OperationHandler, PhaseContext } from '../operation.js';
import type { PlannedStep } from '../types.js';

/**
 * @example
 * await withShortLocks(ctx, 'contract', (tx) => x.batch(async () => { await lockFirst(x, steps, 'contract', tx); … }));
 */
export async function lockFirst(
  x: PhaseContext,
  steps: (PlannedStep & { h: OperationHandler })[],
  hook: 'expand' | 'contract' | 'dropOld' | 'rollback',
  tx?: { locked(): void },
): Promise<void> {
  const names: string[] = [];
  if (hook !== 'expand')
    for (const s of steps) names.push(...((await s.h.lockOrder?.(s.op, s.resolved, x, hook)) ?? []));
  if (hook !== 'dropOld') {
    for (const t of x.plan.tables) {
      if ((t.touched.length > 0 || t.up.length > 0 || t.down.length > 0) && t.oldName !== null)
        names.push(t.physical);
    }
  }
  const unique: string[] = [];
  for (const n of names) if (!unique.includes(n) && (await x.tableExists(n))) unique.push(n);
  await lockTablesInOrder(
    (f) => x.run(f),
    unique.map((n) => ident(x.plan.schema, n)),
  );
  // Send the LOCKs now: the hold is measured from when they return.
  await x.flush();
  tx?.locked();
}
