/**
 * Runs a step outside a transaction (`transaction:false`, or what a typed operation needs, such as
 * `CREATE INDEX CONCURRENTLY`), one statement at a time, so that no statement ever runs twice:
 *
 * - a statement that may run in a transaction runs in one of its own, together with the progress
 *   record that says it ran: it and its record commit together or not at all (where the dialect's
 *   DDL is transactional; otherwise every statement goes the bare way below);
 * - a statement that cannot (PostgreSQL answers 25001) runs bare, with an in-flight record written
 *   before it. If the run dies there, the next run finds that record and settles the statement from
 *   the catalog (an index that was built is recognised; an invalid one is dropped and built again)
 *   before anything runs twice; what the catalog cannot tell is refused, never guessed.
 *
 * A re-run after a failure skips exactly the finished statements (and refuses if one of them was
 * edited since), then continues with the statement that failed.
 */

import type { QueryResult } from '../dialects/dialect.js';
import { RefusedError } from '../errors.js';
import { statementHash } from '../migrations/checksum.js';
import type { MigrationFile, MigrationStep } from '../migrations/types.js';
import { withLockRetries } from '../retry.js';
import { type Direction, type ExecContext, label, retryEvent, runStep, send, stepEnv } from './execute.js';
import type { OperationsRecord } from './operations-step.js';
import type { FailureInfo, HistoryRow } from './plan.js';
import { migrationError, type StatementOrigin } from './sink.js';
import { claimError } from './transactional.js';

/** The `code` of a failure record that marks a statement as running when the run stopped. */
export const IN_FLIGHT = 'sluice:in-flight';

/** One step to run outside a transaction. */
export interface NonTransactionalUnit {
  file: MigrationFile;
  step: MigrationStep;
  direction: Direction;
  /** Its history row before this run (a `partial` row is resumed). */
  previous?: HistoryRow;
  /** What `up` records when the step is done: the automatic down, the class of change. */
  outcome: (record: OperationsRecord | null) => { downInfo?: unknown; class?: string | null };
  /**
   * Whether statement `index` may run inside a transaction block, as the analyzer knows it
   * (undefined: not known, and a statement PostgreSQL refuses in one is then run bare).
   */
  mayRunInTransaction?: (index: number) => boolean | undefined;
}

const NOTHING: QueryResult<never> = { rows: [], rowCount: 0 };

/**
 * Runs the step statement by statement, recording progress for `up`.
 *
 * @example
 * await runNonTransactional(ctx, { file, step, direction: 'up', previous: row, outcome: () => ({}) });
 */
export async function runNonTransactional(ctx: ExecContext, unit: NonTransactionalUnit): Promise<void> {
  const { file, step, direction } = unit;
  const resumable = direction === 'up';
  const partial = resumable && unit.previous?.status === 'partial' ? unit.previous : null;
  const done: string[] = partial ? [...partial.progress] : [];
  // The previous run's failed or in-flight statement, settled before it runs again.
  let unsettled: FailureInfo | null = partial?.failure ?? null;
  const total = step.kind === 'sql' ? step.statements.length : 0;
  const started = performance.now();
  const record = (failure: FailureInfo | null) =>
    send(ctx, ctx.history.progress(file.version, { checksum: file.checksum, done, total, failure }));
  const sessionSettings = ctx.dialect.sessionSettings(ctx.settings, { local: false });
  for (const setting of sessionSettings) await ctx.sink.exec(setting);
  if (resumable && !partial) {
    const { version, name, kind, checksum } = file;
    try {
      await send(ctx, ctx.history.claim({ version, name, kind, checksum, statementsTotal: total }));
    } catch (error) {
      throw claimError(ctx, unit, error);
    }
  }
  if (done.length > 0) ctx.onEvent({ type: 'resume', version: file.version, skipped: done.length, total });
  let userTransaction = false;

  /** A statement that may run in a transaction, committed together with its progress record. */
  const inOwnTransaction = async <R>(
    text: string,
    values: readonly unknown[],
    origin: StatementOrigin,
    hash: string,
  ) => {
    await ctx.sink.exec('BEGIN');
    try {
      const result = await ctx.sink.exec<R>(text, values, origin);
      // The record and the commit in one round trip: the statement's locks are held no longer.
      const progress = { checksum: file.checksum, done: [...done, hash], total, failure: null };
      await ctx.sink.batch([ctx.history.inline(ctx.history.progress(file.version, progress)), 'COMMIT']);
      done.push(hash);
      return result;
    } catch (error) {
      await ctx.sink.exec('ROLLBACK').catch(() => {});
      throw error;
    }
  };

  /** A statement that cannot run in a transaction: recorded as in flight while it runs. */
  const bare = async <R>(text: string, values: readonly unknown[], origin: StatementOrigin, hash: string) => {
    const control = ctx.dialect.transactionControl(text);
    if (resumable && control === null) {
      await record({
        index: origin.index ?? 0,
        line: origin.line,
        statement: text.trim().slice(0, 500),
        message:
          'The run stopped while this statement was running outside a transaction; it may have taken effect.',
        code: IN_FLIGHT,
      });
    }
    const unlimited = ctx.dialect.waitsWithoutBlocking(text);
    if (unlimited)
      for (const setting of ctx.dialect.sessionSettings(
        { ...ctx.settings, lockTimeoutMs: 0 },
        { local: false },
      ))
        await ctx.sink.exec(setting);
    try {
      const result = await ctx.sink.exec<R>(text, values, origin);
      if (control === 'begin') userTransaction = true;
      if (control === 'end') userTransaction = false;
      if (resumable) {
        done.push(hash);
        await record(null);
      }
      return result;
    } finally {
      // Restoring the timeouts is best effort: the statement's own outcome is what is reported.
      if (unlimited) for (const setting of sessionSettings) await ctx.sink.exec(setting).catch(() => {});
    }
  };

  /** Settles what the previous run left of this statement; true when it already took effect. */
  const settle = async (text: string, failure: FailureInfo, origin: StatementOrigin, hash: string) => {
    if (!ctx.conn || userTransaction) return false;
    const inFlight = failure.code === IN_FLIGHT;
    const settlement = await ctx.dialect.settleInterrupted(ctx.conn, text, inFlight);
    if (settlement.outcome === 'unknown') {
      throw new RefusedError(
        'resume-uncertain',
        `${file.path}: ${where(origin)} was running outside a transaction when the previous run stopped, and ${settlement.reason}.`,
        {
          file: file.path,
          line: origin.line,
          statement: text.trim(),
          hint: 'Check by hand whether it took effect. Then make it safe to repeat (IF NOT EXISTS / IF EXISTS, or name the index) and run `sluice up` again: the statement that was running may be edited, the finished ones before it may not.',
        },
      );
    }
    if (inFlight || settlement.outcome === 'done')
      ctx.onEvent({ type: 'note', message: `${file.path}: ${where(origin)}: ${settlement.reason}.` });
    if (settlement.outcome === 'done') {
      done.push(hash);
      await record(null);
      return true;
    }
    for (const cleanup of settlement.cleanup) await ctx.sink.exec(cleanup);
    return false;
  };

  const run = async <R>(
    text: string,
    values: readonly unknown[],
    origin: StatementOrigin,
  ): Promise<QueryResult<R>> => {
    const index = origin.index ?? 0;
    const hash = statementHash(`${text}\u0000${JSON.stringify(values)}`);
    if (index < done.length) {
      if (done[index] === hash) return NOTHING;
      throw new RefusedError(
        'resume-changed',
        `${file.path}: ${where(origin)} already ran, but it was edited since.`,
        {
          file: file.path,
          line: origin.line,
          hint: 'Restore the finished statements as they were (only the failed statement and later ones may change), or revert by hand and `sluice accept` the migration.',
        },
      );
    }
    const previous = unsettled?.index === index ? unsettled : null;
    unsettled = null;
    // Without transactional DDL a statement cannot commit atomically with its record: it runs
    // bare, recorded as in flight first, and an interrupted one is settled on the next run.
    const wrap =
      resumable &&
      ctx.dialect.capabilities.transactionalDdl &&
      !userTransaction &&
      ctx.dialect.transactionControl(text) === null &&
      origin.meta?.transactional !== false &&
      unit.mayRunInTransaction?.(index) !== false;
    try {
      return await withLockRetries(
        ctx.retry,
        async (attempt) => {
          if (previous && attempt === 0 && (await settle(text, previous, origin, hash)))
            return NOTHING as QueryResult<R>;
          if (wrap) {
            try {
              return await inOwnTransaction<R>(text, values, origin, hash);
            } catch (error) {
              if (!ctx.dialect.errorInfo(error).needsNoTransaction) throw error;
            }
          }
          // A bare statement that failed may have left something behind (an invalid index).
          if (attempt > 0) await settle(text, { index, message: 'retry' }, origin, hash);
          return await bare<R>(text, values, origin, hash);
        },
        (error) => ctx.dialect.errorInfo(error).lockTimeout,
        retryEvent(ctx, file.version),
      );
    } catch (error) {
      if (error instanceof RefusedError) throw error;
      const failure = migrationError(ctx.dialect, error, text, origin, label(file, direction));
      if (resumable) {
        const info = ctx.dialect.errorInfo(error);
        const statement = text.trim().slice(0, 500);
        await record({
          index,
          line: failure.details.line,
          statement,
          message: info.message,
          code: info.code,
        }).catch(() => {});
      }
      throw failure;
    }
  };
  const opsRecord = await runStep(stepEnv(ctx), file, step, direction, run);
  if (resumable) {
    const outcome = unit.outcome(opsRecord);
    await send(
      ctx,
      ctx.history.finish(file.version, {
        ...outcome,
        checksum: file.checksum,
        durationMs: performance.now() - started,
      }),
    );
  } else {
    try {
      await send(ctx, ctx.history.claimRevert(file.version));
    } catch (error) {
      throw claimError(ctx, unit, error);
    }
  }
}

function where(origin: StatementOrigin): string {
  return `statement ${(origin.index ?? 0) + 1}${origin.line ? ` (line ${origin.line})` : ''}`;
}
