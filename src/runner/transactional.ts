/**
 * Runs migration steps inside one transaction together with their history rows. The transaction
 * opens by claiming each version (a plain INSERT for `up`, a checked DELETE for `down`), so a
 * version can never be applied or reverted twice, even by two runners that both believe they hold
 * the runner lock; it closes by recording the outcome. A lock timeout rolls everything back and the
 * whole transaction is retried (see `retry.ts`); any other failure leaves history untouched.
 */
import { MigrationFailedError, RefusedError } from '../errors.js';
import type { MigrationFile, MigrationStep } from '../migrations/types.js';
import { withLockRetries } from '../retry.js';
import type { SqlFragment } from '../sql/tag.js';
import { type Direction, type ExecContext, label, retryEvent, runStep, send, stepEnv } from './execute.js';
import type { OperationsRecord } from './operations-step.js';
import { migrationError, type StatementOrigin } from './sink.js';

/** One migration step to run in the transaction, with its history bookkeeping. */
export interface TransactionalUnit {
  file: MigrationFile;
  step: MigrationStep;
  direction: Direction;
  /** Statements that claim the version, first in the transaction. */
  claim: SqlFragment[];
  /** The statement that records the outcome, last (null: the claim was all there is to record). */
  finish: (record: OperationsRecord | null) => SqlFragment | null;
}

/** Turns a failed claim into what it means: another runner got there first. */
export function claimError(
  ctx: ExecContext,
  unit: Pick<TransactionalUnit, 'file' | 'direction'>,
  error: unknown,
): unknown {
  const info = ctx.dialect.errorInfo(error);
  const { version, name } = unit.file;
  const hint = 'Nothing ran twice. Run `sluice status` to see the current state.';
  if (info.lockTimeout) {
    return new MigrationFailedError(
      `${label(unit.file, unit.direction)}: its history row is locked by another session.`,
      {
        cause: error,
        lockTimeout: true,
      },
    );
  }
  if (unit.direction === 'up' && info.uniqueViolation) {
    return new RefusedError(
      'already-applied',
      `Migration ${version}_${name} was applied by another run; it was not applied again.`,
      { hint },
    );
  }
  // A revert's claim divides by the number of rows it deleted: zero when the row was already gone.
  if (unit.direction === 'down' && info.divisionByZero) {
    return new RefusedError(
      'already-reverted',
      `Migration ${version}_${name} was reverted by another run; it was not reverted again.`,
      { hint },
    );
  }
  return error;
}

async function claim(ctx: ExecContext, unit: TransactionalUnit): Promise<void> {
  try {
    for (const fragment of unit.claim) await send(ctx, fragment);
  } catch (error) {
    throw claimError(ctx, unit, error);
  }
}

/**
 * Runs the units and their history writes in a single transaction.
 *
 * @example
 * await runTransactional(ctx, [{ file, step, direction: 'up', claim: [history.claim(row)], finish: () => history.finish(v, {}) }]);
 */
export async function runTransactional(
  ctx: ExecContext,
  units: TransactionalUnit[],
  options: { durable: boolean } = { durable: true },
): Promise<void> {
  const opening = ['BEGIN', ...ctx.dialect.sessionSettings(ctx.settings, { local: true })];
  // Only the last migration of a run waits for its commit to reach disk: WAL is flushed in order,
  // so that flush covers every earlier commit of the run, and sluice never reports success before
  // all of it is durable. A crash before then loses a migration together with its history row.
  if (!options.durable) opening.push(...ctx.dialect.deferredCommit());
  const inline = (f: SqlFragment | null) => (f === null ? [] : [ctx.history.inline(f)]);
  const onRetry = retryEvent(ctx, units[0]!.file.version);
  const rollback = () => ctx.sink.exec('ROLLBACK').catch(() => {});

  // SQL migrations go to the server in one round trip. If that fails, the transaction is rolled
  // back and replayed statement by statement, so the error names the exact statement and line.
  // A timed sink (`--verbose`) gets the statement-by-statement path from the start.
  let fastFailedOnLock = false;
  if (!ctx.sink.dryRun && !ctx.sink.timed && units.every((u) => u.step.kind === 'sql')) {
    const script = [
      ...opening,
      ...units.flatMap((u) => [
        ...u.claim.map((f) => ctx.history.inline(f)),
        ...(u.step.kind === 'sql' ? u.step.statements.map((s) => s.sql) : []),
        ...inline(u.finish(null)),
      ]),
      'COMMIT',
    ];
    const isLockTimeout = (error: unknown) => ctx.dialect.errorInfo(error).lockTimeout;
    try {
      await withLockRetries(
        ctx.retry,
        async () => {
          try {
            await ctx.sink.batch(script);
          } catch (error) {
            await rollback();
            throw error;
          }
        },
        isLockTimeout,
        onRetry,
      );
      return;
    } catch (error) {
      // The replay below finds and names the failing statement; after lock timeouts it runs once.
      fastFailedOnLock = isLockTimeout(error);
    }
  }

  const replay = async () => {
    try {
      await ctx.sink.batch(opening);
      for (const unit of units) {
        await claim(ctx, unit);
        const run = async <R>(text: string, values: readonly unknown[], origin: StatementOrigin) => {
          try {
            return await ctx.sink.exec<R>(text, values, origin);
          } catch (error) {
            throw migrationError(ctx.dialect, error, text, origin, label(unit.file, unit.direction));
          }
        };
        const record = await runStep(stepEnv(ctx), unit.file, unit.step, unit.direction, run);
        const finish = unit.finish(record);
        if (finish) await send(ctx, finish);
      }
      await ctx.sink.batch(['COMMIT']);
    } catch (error) {
      await rollback();
      throw error;
    }
  };
  const policy = fastFailedOnLock ? { ...ctx.retry, retries: 0 } : ctx.retry;
  await withLockRetries(policy, replay, (e) => e instanceof MigrationFailedError && e.lockTimeout, onRetry);
}
