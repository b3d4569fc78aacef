/**
 * What every online operation kind provides (pgroll's start / complete / rollback / validate, split
 * where the lock discipline needs it). The phases call the hooks in this order:
 *
 * - start:    `expand` (one short-lock transaction for all operations) → backfills → `build`
 *             (CONCURRENTLY, no transaction) → version schemas.
 * - complete: `validate` (VALIDATE CONSTRAINT, no strong lock) → `contract` (one short-lock
 *             transaction: triggers dropped, renames, drops, swaps; `late` operations last).
 * - abort:    `unbuild` (DROP INDEX CONCURRENTLY) → `rollback` (one short-lock transaction).
 *
 * Every hook must be idempotent: a crash can interrupt any of them and the phase runs them again.
 */
import type { Connection, QueryResult } from '../dialects/dialect.js';
import type { SqlFragment } from '../sql/tag.js';
import type { BackfillSpec } from './backfill/index.js';
import type { Session } from './db.js';
import type { SchemaInfo } from './introspect.js';
import type { PlanBuilder } from './plan.js';
import type { OnlineOperation, OnlinePlan } from './types.js';

/** What hooks get: the session, the stored plan and catalog probes. */
export interface PhaseContext extends Session {
  plan: OnlinePlan;
  /**
   * Runs a statement for its effect. Inside `batch`, a statement without bound values is queued and
   * sent with the next ones as one query (so it must not be read from: use `query`).
   */
  exec(fragment: SqlFragment): Promise<void>;
  /** Runs a statement and returns its rows; inside `batch`, what is queued is sent first. */
  query<R = Record<string, unknown>>(fragment: SqlFragment): Promise<QueryResult<R>>;
  /** Runs `fn` sending consecutive `exec` statements as one query (see phases/context.ts). */
  batch<T>(fn: () => Promise<T>): Promise<T>;
  /** Sends the statements queued by `batch` now. */
  flush(): Promise<void>;
  columnExists(table: string, column: string): Promise<boolean>;
  tableExists(table: string): Promise<boolean>;
  /**
   * Which of these relations (tables or views, any schema) exist, in order: what a preview recorded
   * first, then one read of the live catalog for the rest.
   */
  relationsExist(relations: readonly { schema: string; name: string }[]): Promise<boolean[]>;
  /** A constraint of `table`: null when missing. */
  constraint(table: string, name: string): Promise<{ valid: boolean } | null>;
  /** An index of the plan's schema: null when missing. */
  index(name: string): Promise<{ valid: boolean } | null>;
  /**
   * Builds an index with CREATE INDEX CONCURRENTLY; a leftover invalid index (from a crash or a
   * failed build) is dropped concurrently and built again; a valid one is kept.
   */
  buildIndex(name: string, create: SqlFragment): Promise<void>;
  /** Runs (or resumes) a backfill with the runner's progress reporting and stop signal. */
  backfill(spec: BackfillSpec): Promise<void>;
  /** `complete --drop-old`: remove what a blue-green swap keeps for an instant abort. */
  dropOld: boolean;
  /**
   * True in a preview (`sluice plan`, `up --dry-run`): statements are recorded, not run, so a hook
   * must not act on what a data read returns (there is no copied data to check).
   */
  preview: boolean;
}

/** The hooks that act on a phase context: each gets the operation, what planning resolved, the context. */
export type PhaseHook =
  | 'expand'
  | 'backfill'
  | 'build'
  | 'validate'
  | 'contract'
  | 'unbuild'
  | 'rollback'
  | 'dropOld'
  | 'dropOldData';

/**
 * One operation kind. `O` is its data, `R` what planning resolved for it (stored in the plan), `C`
 * what `readCatalog` reads for planning.
 */
export interface OperationHandler<O extends OnlineOperation, R, C = undefined> {
  kind: O['kind'];
  /** One line for messages: `alterColumn users.age`. */
  describe(op: O): string;
  /**
   * Pure check of the operation's data, before planning: throws MigrationFileError naming the
   * option that is wrong or why the operation cannot run online.
   */
  check(op: O): void;
  /**
   * Reads what `plan` needs beyond the introspected schema (before planning, before any change);
   * its result is `plan`'s third argument.
   */
  readCatalog?(op: O, conn: Connection, schema: string, info: SchemaInfo): Promise<C>;
  /** Applies the operation to the model of the new version; throws PlanError when it does not fit. */
  plan(op: O, b: PlanBuilder, catalog: C | undefined): R;
  /**
   * Tries what `expand` will create in a transaction it rolls back, before the plan is stored;
   * throws (MigrationFileError, exit 2) naming what does not fit.
   */
  probe?(op: O, resolved: R, session: Session & { schema: string }, file: string): Promise<void>;
  expand?(op: O, resolved: R, x: PhaseContext): Promise<void>;
  /** Copies or fills data after `expand` (the generic column backfills run before it). */
  backfill?(op: O, resolved: R, x: PhaseContext): Promise<void>;
  build?(op: O, resolved: R, x: PhaseContext): Promise<void>;
  validate?(op: O, resolved: R, x: PhaseContext): Promise<void>;
  contract?(op: O, resolved: R, x: PhaseContext): Promise<void>;
  /** Run contract after every non-late operation (table renames and drops). */
  late?: boolean;
  unbuild?(op: O, resolved: R, x: PhaseContext): Promise<void>;
  rollback?(op: O, resolved: R, x: PhaseContext): Promise<void>;
  /**
   * Tables (current physical names) to lock before `contract`, `dropOld` or `rollback` touch them,
   * in the order application writes take them; see lockRelationsInOrder.
   */
  lockOrder?(
    op: O,
    resolved: R,
    x: PhaseContext,
    hook: 'contract' | 'dropOld' | 'rollback',
  ): Promise<string[]>;
  /**
   * Stops keeping what `contract` kept for an abort after it (a swapped table's reverse sync);
   * runs in the short-lock transaction that ends abortability. Idempotent.
   */
  dropOld?(op: O, resolved: R, x: PhaseContext): Promise<void>;
  /**
   * Drops the kept data itself (the old table) in a transaction of its own, after `dropOld`
   * committed: DROP TABLE's commit unlinks files for a while, and only the dropped table, which
   * nothing uses any more, is locked meanwhile. Idempotent.
   */
  dropOldData?(op: O, resolved: R, x: PhaseContext): Promise<void>;
  /**
   * Checkpoint ids of the backfills the operation runs itself (`backfill`), so that `complete` and
   * `abort` clear them; the column fills every plan has are cleared without asking.
   */
  backfillIds?(op: O, resolved: R, plan: OnlinePlan): string[];
}
