/**
 * Each migration's class of change for `status`: applied migrations keep the class computed when
 * they ran; pending ones are classified now, by the same planning `plan` does.
 */
import { SluiceError } from '../errors.js';
import type { Status } from './plan.js';
import type { PlannedMigration } from './plan-report.js';

/** What {@link classifyMigrations} knows. */
export interface MigrationClasses {
  /** By version; null where the class is not known. */
  classes: Map<string, string | null>;
  /**
   * Why the pending migrations have no class: `up` would refuse them (a bad file, a foreign
   * history, an active online migration…), so they cannot be planned either. The error is the one
   * `up` would throw; `status` still shows every migration's state.
   */
  pendingUnknown?: SluiceError;
}

/**
 * Classes of every migration in `status`. Pending ones are planned (which loads the SQL parser) only
 * when there are some and nothing is drifted or missing (planning refuses on drift, which status
 * shows already). A planning error that is the user's to fix (exit 2 or 3) leaves them unknown and
 * is returned; any other failure (the database, a bug) is thrown.
 *
 * @example
 * const { classes, pendingUnknown } = await classifyMigrations(status, () => migrator.plan(undefined, { allowOutOfOrder: true }));
 */
export async function classifyMigrations(
  status: Status,
  plan: () => Promise<PlannedMigration[]>,
): Promise<MigrationClasses> {
  const classes = new Map(status.entries.map((e) => [e.version, e.row?.class ?? null]));
  const has = (state: string) => status.entries.some((e) => e.state === state);
  if (!has('pending') || has('drifted') || has('missing')) return { classes };
  try {
    for (const p of await plan()) classes.set(p.version, p.class);
  } catch (error) {
    if (error instanceof SluiceError && (error.exitCode === 2 || error.exitCode === 3)) {
      return { classes, pendingUnknown: error };
    }
    throw error;
  }
  return { classes };
}
