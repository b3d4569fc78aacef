/**
 * sluice's own record of online migrations, in `"sluice"."online_migrations"`: one row per migration
 * with its phase and the plan `start` computed. The runner's history table is the runner's business;
 * this table is what lets `start`, `complete` and `abort` resume after a crash.
 *
 * Phases: `expanding` → `active` → (`swapped` for a kept replaced table →) `completed`; `aborting`
 * while an abort is under way (the row is deleted when it is done).
 */
import type { Connection } from '../dialects/dialect.js';
import { RefusedError } from '../errors.js';
import { ident, literal, type SqlFragment, sql } from '../sql/tag.js';
import { run } from './db.js';
import { quotedName, STATE_SCHEMA } from './names.js';
import { PLAN_FORMAT } from './plan.js';
import type { OnlinePlan } from './types.js';

export type Phase = 'expanding' | 'active' | 'swapped' | 'completed' | 'aborting';

export interface StateRow {
  version: string;
  name: string;
  phase: Phase;
  schema: string;
  plan: OnlinePlan;
}

const TABLE = ident(STATE_SCHEMA, 'online_migrations');

/**
 * Creates the state table if it is missing. Two runners racing here is harmless: the loser's
 * `IF NOT EXISTS` may still fail on the catalog's unique index, so it checks again.
 *
 * @example
 * await ensureStateTable(conn);
 */
export async function ensureStateTable(conn: Connection): Promise<void> {
  try {
    await run(conn, sql`CREATE SCHEMA IF NOT EXISTS ${ident(STATE_SCHEMA)}`);
    await run(
      conn,
      sql`CREATE TABLE IF NOT EXISTS ${TABLE} (
  version text PRIMARY KEY,
  name text NOT NULL,
  phase text NOT NULL,
  schema text NOT NULL,
  plan jsonb NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
    );
  } catch (error) {
    if (!(await stateTableExists(conn))) throw error;
  }
}

async function stateTableExists(conn: Connection): Promise<boolean> {
  const r = await run<{ ok: boolean }>(
    conn,
    sql`SELECT to_regclass(${quotedName(STATE_SCHEMA, 'online_migrations')}) IS NOT NULL AS ok`,
  );
  return r.rows[0]?.ok === true;
}

/** Every row, oldest version first; empty when the table does not exist yet. */
export async function readStates(conn: Connection): Promise<StateRow[]> {
  if (!(await stateTableExists(conn))) return [];
  const r = await run<StateRow>(
    conn,
    sql`SELECT version, name, phase, schema, plan FROM ${TABLE} ORDER BY version`,
  );
  return r.rows;
}

/** The row of one migration, or null. */
export async function readState(conn: Connection, version: string): Promise<StateRow | null> {
  if (!(await stateTableExists(conn))) return null;
  const r = await run<StateRow>(
    conn,
    sql`SELECT version, name, phase, schema, plan FROM ${TABLE} WHERE version = ${version}`,
  );
  return r.rows[0] ?? null;
}

/** Records a new migration in phase `expanding` with its plan. */
export async function insertState(conn: Connection, row: StateRow): Promise<void> {
  await run(
    conn,
    sql`INSERT INTO ${TABLE} (version, name, phase, schema, plan)
        VALUES (${row.version}, ${row.name}, ${row.phase}, ${row.schema}, ${JSON.stringify(row.plan)}::jsonb)`,
  );
}

/** The statement that moves a migration to another phase, static (values inlined) so it can be batched. */
export function setPhaseStatement(version: string, phase: Phase): SqlFragment {
  return sql`UPDATE ${TABLE} SET phase = ${literal(phase)}, updated_at = now() WHERE version = ${literal(version)}`;
}

/** Moves a migration to another phase. */
export async function setPhase(conn: Connection, version: string, phase: Phase): Promise<void> {
  await run(conn, sql`UPDATE ${TABLE} SET phase = ${phase}, updated_at = now() WHERE version = ${version}`);
}

/** Forgets a migration (after an abort, which ensured the table: no check, so a preview records it too). */
export async function deleteState(conn: Connection, version: string): Promise<void> {
  await run(conn, sql`DELETE FROM ${TABLE} WHERE version = ${version}`);
}

/**
 * Refuses to work from a plan another version of sluice stored in another shape (before the
 * online operations took the typed operations' words): misreading it could leave half a migration.
 *
 * @example
 * checkPlanFormat(await readState(conn, version));
 */
export function checkPlanFormat(state: StateRow): void {
  if (state.plan.format === PLAN_FORMAT) return;
  throw new RefusedError(
    'online-plan-format',
    `Online migration ${state.version}_${state.name} was started by another version of sluice, whose plan this one cannot read.`,
    { hint: 'Complete or abort it with the sluice that started it, then run this one.' },
  );
}
