/**
 * The expand phase (`sluice up` of an online migration). Every step is idempotent and the plan is
 * stored before the first DDL, so a run killed at any point converges when it is run again:
 *
 * 1. plan against the catalog (fails before any change), record it (`expanding`);
 * 2. one short-lock transaction: temporary columns, NOT VALID constraints, dual-write triggers;
 * 3. backfills (batched, checkpointed by the backfill engine), table copies;
 * 4. indexes CONCURRENTLY;
 * 5. one short-lock transaction: both version schemas, phase `active`.
 */
import { dialectNamed } from '../../dialects/index.js';
import { loadParser } from '../../dialects/postgres/parser.js';
import { MigrationFailedError, RefusedError, SluiceError } from '../../errors.js';
import { ident, sql } from '../../sql/tag.js';
import { checkExpressions } from '../check-expressions.js';
import { lockRelationsInOrder, run, withShortLocks } from '../db.js';
import { introspect } from '../introspect.js';
import { BASE_SCHEMA, versionSchemaName } from '../names.js';
import { buildOnlinePlan } from '../plan.js';
import { bindSteps, type PreparedOperation, readAndPrepare } from '../registry.js';
import {
  checkPlanFormat,
  ensureStateTable,
  insertState,
  readState,
  readStates,
  type StateRow,
  setPhaseStatement,
} from '../state.js';
import { needsTrigger, triggerStatements } from '../triggers.js';
import type { OnlineContext, OnlinePlan } from '../types.js';
import { validateOnlineMigration } from '../validate.js';
import { versionSchemaStatements } from '../views.js';
import { columnBackfills } from './backfills.js';
import { finishSwapped } from './complete.js';
import { phaseContext } from './context.js';
import { lockFirst } from './locking.js';

async function schemaExists(ctx: OnlineContext, schema: string): Promise<boolean> {
  const r = await run<{ ok: boolean }>(
    ctx.conn,
    sql`SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${schema}) AS ok`,
  );
  return r.rows[0]?.ok === true;
}

async function planMigration(ctx: OnlineContext): Promise<StateRow> {
  const file = `${ctx.version}_${ctx.name}`;
  const ops = validateOnlineMigration(ctx.definition, file);
  const states = await readStates(ctx.conn);
  const busy = states.find((s) => s.phase === 'expanding' || s.phase === 'active' || s.phase === 'aborting');
  if (busy) {
    throw new RefusedError(
      'online-busy',
      `Online migration ${busy.version}_${busy.name} is ${busy.phase}; only one online migration can be active at a time.`,
      {
        hint:
          busy.phase === 'aborting'
            ? 'Run sluice abort to finish it.'
            : 'Run sluice complete (or sluice abort) first.',
      },
    );
  }
  // A later migration is what finally removes a swapped table's old copy.
  for (const swapped of states.filter((state) => state.phase === 'swapped'))
    await finishSwapped(ctx, swapped);
  const schema = ctx.schema ?? 'public';
  const info = await introspect(ctx.conn, schema);
  const previous = [...states].reverse().find((s) => s.phase === 'completed' || s.phase === 'swapped');
  let oldSchema = BASE_SCHEMA;
  if (previous && (await schemaExists(ctx, previous.schema))) oldSchema = previous.schema;
  const createdOldSchema = !(await schemaExists(ctx, oldSchema));
  const version = await run<{ n: number }>(
    ctx.conn,
    sql`SELECT current_setting('server_version_num')::int AS n`,
  );
  const newSchema = versionSchemaName(ctx.version, ctx.name);
  const operations: PreparedOperation[] = [];
  for (const op of ops) operations.push(await readAndPrepare(op, { conn: ctx.conn, schema, info }));
  const plan = buildOnlinePlan({
    schema,
    info,
    operations,
    newSchema,
    oldSchema,
    createdOldSchema,
    securityInvoker: (version.rows[0]?.n ?? 0) >= 150000,
    file,
  });
  await checkExpressions(ctx.conn, plan, file);
  for (const step of bindSteps(plan)) await step.probe({ ...ctx, schema }, file);
  const row: StateRow = { version: ctx.version, name: ctx.name, phase: 'expanding', schema: newSchema, plan };
  await insertState(ctx.conn, row);
  return row;
}

/**
 * Runs (or resumes) the expand phase. Returns when both versions work, with the state it worked
 * from (a preview hands it to complete and abort); does nothing and returns null when the
 * migration is already active.
 *
 * @example
 * await startOnline({ conn, version, name, definition, lockTimeoutMs: 2000, lockRetries: 10 });
 */
export async function startOnline(ctx: OnlineContext): Promise<StateRow | null> {
  await ensureStateTable(ctx.conn);
  let state = await readState(ctx.conn, ctx.version);
  if (state && state.phase !== 'expanding') {
    if (state.phase === 'aborting') {
      throw new RefusedError('online-aborting', `An abort of ${ctx.version}_${ctx.name} was interrupted.`, {
        hint: 'Run sluice abort to finish it, then run sluice up again.',
      });
    }
    return null;
  }
  if (!state) {
    state = await planMigration(ctx);
    ctx.onEvent?.({
      type: 'plan',
      message: `planned ${state.plan.steps.length} operation(s); version schema ${state.schema}`,
    });
  } else {
    checkPlanFormat(state);
    assertUnchanged(ctx, state);
    ctx.onEvent?.({ type: 'resume', message: `resuming the expand phase of ${ctx.version}_${ctx.name}` });
  }
  try {
    await expand(ctx, state.plan);
    return state;
  } catch (error) {
    if (error instanceof SluiceError) throw error;
    const info = dialectNamed('postgres').errorInfo(error);
    throw new MigrationFailedError(
      `Online migration ${ctx.version}_${ctx.name} failed to start: ${info.message}`,
      {
        cause: error,
        details: {
          sqlState: info.code,
          hint: 'Run sluice up again to resume where it stopped, or sluice abort to roll back what it did.',
        },
      },
    );
  }
}

/** JSON with sorted keys: the stored plan went through jsonb, which reorders keys. */
function canonical(data: unknown): string {
  return JSON.stringify(data, (_key, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

/** A resumed start must be of the same operations: the stored plan, not the file, drives it. */
function assertUnchanged(ctx: OnlineContext, state: StateRow): void {
  const ops = validateOnlineMigration(ctx.definition, `${ctx.version}_${ctx.name}`);
  if (canonical(ops) !== canonical(state.plan.steps.map((s) => s.op))) {
    throw new RefusedError(
      'online-changed',
      `Online migration ${ctx.version}_${ctx.name} changed since its start was interrupted.`,
      {
        hint: 'Run sluice abort to undo the partial start, then sluice up again.',
      },
    );
  }
}

async function expand(ctx: OnlineContext, plan: OnlinePlan): Promise<void> {
  const phase = phaseContext(ctx, plan, false);
  const steps = bindSteps(plan);

  ctx.onEvent?.({ type: 'step', message: 'expand: temporary columns, constraints, triggers' });
  await loadParser(); // the triggers read the written row's columns in place where it can map them
  const triggers = plan.tables.filter(needsTrigger).map((t) => triggerStatements(plan, t));
  await withShortLocks(ctx, 'expand', (tx) =>
    phase.batch(async () => {
      // Trigger functions first, before any table lock. They name temporary columns that do not
      // exist yet, so their bodies are checked once the transaction has committed (below).
      await phase.exec(sql`SET LOCAL check_function_bodies = off`);
      for (const { functions } of triggers) for (const f of functions) await phase.exec(f);
      await lockFirst(phase, steps, 'expand', tx);
      for (const step of steps) await step.run('expand', phase);
      for (const { install } of triggers) for (const f of install) await phase.exec(f);
    }),
  );
  // Same definitions again, now validated against the columns they read.
  for (const { functions } of triggers) for (const f of functions) await phase.exec(f);
  for (const fill of columnBackfills(plan)) {
    await phase.backfill({
      id: fill.id,
      mode: 'update',
      table: { schema: plan.schema, name: fill.table },
      set: fill.set,
    });
  }
  for (const step of steps) await step.run('backfill', phase);
  for (const step of steps) await step.run('build', phase);
  ctx.onEvent?.({ type: 'step', message: `version schemas ${plan.oldSchema} and ${plan.newSchema}` });

  // The dual-write triggers tell the writer's version by current_schema(). A write that resolved its
  // table before the new version schema existed, and whose trigger runs after the schema is
  // committed, would be taken for the new version while it wrote the old columns. Holding the
  // tables in EXCLUSIVE mode (reads go on) while the schemas are created closes that window: writes
  // already running finish first, and writes that arrive wait, then resolve their names again.
  const written = plan.tables.filter((t) => needsTrigger(t) && t.oldName !== null).map((t) => t.physical);
  await withShortLocks(ctx, 'version schemas', () =>
    phase.batch(async () => {
      const exists = await phase.relationsExist(written.map((name) => ({ schema: plan.schema, name })));
      await lockRelationsInOrder(
        (f) => phase.exec(f),
        written.filter((_, i) => exists[i]).map((name) => ident(plan.schema, name)),
        'EXCLUSIVE',
      );
      for (const f of versionSchemaStatements(plan, 'old')) await phase.exec(f);
      for (const f of versionSchemaStatements(plan, 'new')) await phase.exec(f);
      await phase.exec(setPhaseStatement(ctx.version, 'active'));
    }),
  );
  ctx.onEvent?.({ type: 'active', message: `new version schema ${plan.newSchema} is ready` });
}
