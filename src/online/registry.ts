/**
 * The one registry of online operation kinds: the handler of each kind, and everything typed from
 * it: the planned step (a discriminated union over the kinds) and the step the phases run, with its
 * handler's hooks bound to it. Adding a kind means one file under `operations/`, one line here and
 * one in the `op` builder; a kind missing here is a compile error.
 */
import type { Connection } from '../dialects/dialect.js';
import type { Session } from './db.js';
import type { SchemaInfo } from './introspect.js';
import type { OperationHandler, PhaseContext, PhaseHook } from './operation.js';
import { addColumnHandler } from './operations/add-column.js';
import { addIndexHandler } from './operations/add-index.js';
import { addUniqueHandler } from './operations/add-unique.js';
import { alterColumnHandler } from './operations/alter-column.js';
import { dropColumnHandler } from './operations/drop-column.js';
import { dropTableHandler } from './operations/drop-table.js';
import { renameColumnHandler } from './operations/rename-column.js';
import { renameTableHandler } from './operations/rename-table.js';
import { replaceTableHandler } from './operations/replace-table.js';
import type { PlanBuilder } from './plan.js';
import type { OnlineOperation, OnlineOperationKind, OnlineOperationOf, OnlinePlan } from './types.js';

// A handler of every kind (a missing one fails `satisfies`); each declares its resolved data.
const HANDLERS = {
  addColumn: addColumnHandler,
  addIndex: addIndexHandler,
  addUnique: addUniqueHandler,
  alterColumn: alterColumnHandler,
  dropColumn: dropColumnHandler,
  dropTable: dropTableHandler,
  renameColumn: renameColumnHandler,
  renameTable: renameTableHandler,
  replaceTable: replaceTableHandler,
} satisfies { [K in OnlineOperationKind]: OperationHandler<OnlineOperationOf<K>, unknown, unknown> };

type Handlers = typeof HANDLERS;

/** What planning resolves for an operation of kind `K` (stored in the plan). */
export type ResolvedOf<K extends OnlineOperationKind> =
  Handlers[K] extends OperationHandler<OnlineOperationOf<K>, infer R, unknown> ? R : never;

type CatalogOf<K extends OnlineOperationKind> =
  Handlers[K] extends OperationHandler<OnlineOperationOf<K>, unknown, infer C> ? C : never;

type HandlerOf<K extends OnlineOperationKind> = OperationHandler<
  OnlineOperationOf<K>,
  ResolvedOf<K>,
  CatalogOf<K>
>;

/** A planned step of kind `K`: the operation and what planning resolved for it. */
export interface StepOf<K extends OnlineOperationKind> {
  kind: K;
  op: OnlineOperationOf<K>;
  resolved: ResolvedOf<K>;
}

/** One operation of a plan and what planning resolved for it, discriminated by `kind`. */
export type PlannedStep = { [K in OnlineOperationKind]: StepOf<K> }[OnlineOperationKind];

/** The handler of a kind, typed for it (the one place a kind and its handler are matched). */
function handlerOf<K extends OnlineOperationKind>(kind: K): HandlerOf<K> {
  return HANDLERS[kind] as unknown as HandlerOf<K>;
}

/** A step of one kind as a member of the union (which TypeScript cannot see for a generic `K`). */
function planned<K extends OnlineOperationKind>(step: StepOf<K>): PlannedStep {
  return step as unknown as PlannedStep;
}

/** True for a kind of online operation. */
export function isOnlineKind(kind: unknown): kind is OnlineOperationKind {
  return typeof kind === 'string' && Object.hasOwn(HANDLERS, kind);
}

/**
 * Checks an operation's data (throws MigrationFileError naming the option).
 *
 * @example
 * checkOperation(op.addColumn('users', 'n', { type: 'int', nullable: false })) // throws: needs a default or up
 */
export function checkOperation(op: OnlineOperation): void {
  handlerOf(op.kind).check(op);
}

/** An operation ready to be planned: what it needs from the catalog has been read. */
export interface PreparedOperation {
  readonly op: OnlineOperation;
  /** One line naming it in messages. */
  readonly description: string;
  /** Applies it to the model of the new version; throws PlanError when it does not fit. */
  plan(model: PlanBuilder): PlannedStep;
}

/** Where an operation reads what planning it needs from (see {@link OperationHandler.readCatalog}). */
export interface CatalogSource {
  conn: Connection;
  schema: string;
  info: SchemaInfo;
}

/**
 * Reads what planning `op` needs from the catalog, and prepares it.
 *
 * @example
 * const prepared = await readAndPrepare(op, { conn, schema: 'public', info });
 * const step = prepared.plan(model);
 */
export async function readAndPrepare(op: OnlineOperation, source: CatalogSource): Promise<PreparedOperation> {
  return readCatalogOf(op.kind, op, source);
}

async function readCatalogOf<K extends OnlineOperationKind>(
  kind: K,
  op: OnlineOperationOf<K>,
  source: CatalogSource,
): Promise<PreparedOperation> {
  const read = await handlerOf(kind).readCatalog?.(op, source.conn, source.schema, source.info);
  return prepared(kind, op, read);
}

/**
 * Prepares `op` without reading the catalog (planning an operation that needs it then fails with a
 * PlanError): for pure planning, in tests and tools.
 *
 * @example
 * const step = prepareOperation(op.renameColumn('users', 'email', 'mail')).plan(model);
 */
export function prepareOperation(op: OnlineOperation): PreparedOperation {
  return prepared(op.kind, op, undefined);
}

function prepared<K extends OnlineOperationKind>(
  kind: K,
  op: OnlineOperationOf<K>,
  catalog: CatalogOf<K> | undefined,
): PreparedOperation {
  const handler = handlerOf(kind);
  return {
    op,
    description: handler.describe(op),
    plan: (model) => planned({ kind, op, resolved: handler.plan(op, model, catalog) }),
  };
}

/** A planned step with its kind's hooks bound to it: what the phases run. */
export interface BoundStep {
  readonly op: OnlineOperation;
  /** The (physical) table the operation names, if it names one: locked before contract and abort. */
  readonly table: string | undefined;
  /** Contract after every operation that is not `late` (table renames and drops). */
  readonly late: boolean;
  /** Whether the kind has the hook (contract keeps the old table for abort when one has `dropOld`). */
  has(hook: PhaseHook): boolean;
  /** Runs the hook (nothing when the kind has none). */
  run(hook: PhaseHook, phase: PhaseContext): Promise<void>;
  /** Tries what `expand` will create, in a transaction it rolls back (replaceTable). */
  probe(session: Session & { schema: string }, file: string): Promise<void>;
  /** See {@link OperationHandler.lockOrder}. */
  lockOrder(phase: PhaseContext, hook: 'contract' | 'dropOld' | 'rollback'): Promise<string[]>;
  /** Checkpoint ids of the backfills the operation runs itself. */
  backfillIds(plan: OnlinePlan): string[];
}

/**
 * Binds each step of a plan to its kind's handler.
 *
 * @example
 * for (const step of bindSteps(plan)) await step.run('expand', phase);
 */
export function bindSteps(plan: OnlinePlan): BoundStep[] {
  return plan.steps.map((step) => bind(step as StepOf<OnlineOperationKind>));
}

function bind<K extends OnlineOperationKind>({ kind, op, resolved }: StepOf<K>): BoundStep {
  const handler = handlerOf(kind);
  // Resolved data names the physical table an operation changes `table`, by convention.
  const table = (resolved as { table?: unknown }).table;
  return {
    op,
    table: typeof table === 'string' ? table : undefined,
    late: handler.late === true,
    has: (hook) => handler[hook] !== undefined,
    run: async (hook, phase) => handler[hook]?.(op, resolved, phase),
    probe: async (session, file) => handler.probe?.(op, resolved, session, file),
    lockOrder: async (phase, hook) => (await handler.lockOrder?.(op, resolved, phase, hook)) ?? [],
    backfillIds: (plan) => handler.backfillIds?.(op, resolved, plan) ?? [],
  };
}
