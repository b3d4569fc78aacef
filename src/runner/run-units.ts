/**
 * Runs prepared units in order with the configured transaction mode: one transaction for all
 * (`all`), a transaction per migration (`each`, the default), or statement by statement (`none`,
 * and `transaction:false` steps). An online migration expands and stops the run.
 */
import type { TransactionMode } from '../config/define.js';
import type { Dialect } from '../dialects/dialect.js';
import type { MigrationStep } from '../migrations/types.js';
import type { OnlinePreview } from '../online/index.js';
import type { Direction, ExecContext, RunnerEvent } from './execute.js';
import type { RunResult } from './migrator.js';
import { runNonTransactional } from './non-transactional.js';
import { onlineScript } from './online-report.js';
import { type OnlineEnv, startUnit } from './online-runner.js';
import type { OperationsRecord } from './operations-step.js';
import type { Unit } from './prepare.js';
import type { UnitReport } from './safety.js';
import { DryRunSink } from './sink.js';
import { runTransactional, type TransactionalUnit } from './transactional.js';

export interface RunUnitsOptions {
  ctx: ExecContext;
  transactionMode: TransactionMode;
  onEvent: (event: RunnerEvent) => void;
  /** The session an online migration expands on (live runs only). */
  onlineEnv: () => OnlineEnv;
  /** What the linter and analyzer said of each unit (`up` only): its class, each statement's needs. */
  reports: Map<Unit, UnitReport>;
  /** A dry run's preview of an online migration (what start, complete and abort would send). */
  preview?: (unit: Unit) => Promise<OnlinePreview>;
}

/**
 * Whether a step runs in one transaction with its history row: the step allows it, the
 * transaction mode is not `none`, and the dialect can roll DDL back. Otherwise it runs statement
 * by statement and is recorded as it goes (see `runNonTransactional`).
 *
 * @example
 * runsInTransaction(unit.step, 'each', postgresDialect) // true for an ordinary migration
 */
export function runsInTransaction(step: MigrationStep, mode: TransactionMode, dialect: Dialect): boolean {
  return step.transaction && mode !== 'none' && dialect.capabilities.transactionalDdl;
}

/**
 * Runs the units and writes their history rows.
 *
 * @example
 * const result = await runUnits(units, 'up', { ctx, transactionMode: 'each', onEvent, onlineEnv, reports });
 */
export async function runUnits(
  units: Unit[],
  direction: Direction,
  options: RunUnitsOptions,
): Promise<RunResult> {
  const { ctx, reports, onEvent } = options;
  const result: RunResult = { direction, migrations: [] };
  // What `up` records with the history row: what the automatic down needs (typed operations
  // without a hand-written down) and the class of change.
  const outcome = (unit: Unit, record: OperationsRecord | null) => ({
    downInfo:
      unit.loaded.down === null && record && record.operations.length > 0
        ? { operations: record.operations, captured: record.captured }
        : undefined,
    class: reports.get(unit)?.class ?? null,
  });
  const transactional = (unit: Unit): TransactionalUnit => {
    const { version, name, kind, checksum } = unit.file;
    const base = { file: unit.file, step: unit.step, direction };
    if (direction === 'down')
      return { ...base, claim: [ctx.history.claimRevert(version)], finish: () => null };
    // A partly applied row (the file ran outside a transaction before) is taken over in the same
    // transaction; an applied row is never touched, so the claim below fails on it instead.
    const takeOver = unit.entry.row?.status === 'partial' ? [ctx.history.dropPartial(version)] : [];
    return {
      ...base,
      claim: [...takeOver, ctx.history.claim({ version, name, kind, checksum })],
      finish: (record) => ctx.history.finish(version, { ...outcome(unit, record), checksum }),
    };
  };
  const dry = ctx.sink instanceof DryRunSink ? ctx.sink : null;
  const inTransaction = (unit: Unit) => runsInTransaction(unit.step, options.transactionMode, ctx.dialect);

  if (options.transactionMode === 'all' && units.length > 0) {
    const started = performance.now();
    for (const unit of units) dry?.comment(`${unit.file.path} (${direction})`);
    await runTransactional(ctx, units.map(transactional));
    const durationMs = performance.now() - started;
    for (const unit of units)
      result.migrations.push({ version: unit.file.version, name: unit.file.name, durationMs });
    return result;
  }
  for (const [index, unit] of units.entries()) {
    const started = performance.now();
    const { version, name, path } = unit.file;
    if (unit.loaded.definition?.online && direction === 'up') {
      const waiting = units.length - index - 1;
      if (dry) {
        dry.comment(
          `${path} (online: \`sluice up\` starts it, then \`sluice complete\` or \`sluice abort\` ends it)`,
        );
        if (index > 0 || !options.preview) {
          // Planned against the schema the earlier migrations of this run would leave.
          dry.comment(`not previewed: ${index} earlier migration(s) of this run change the schema first`);
        } else {
          const { schema, statements } = await options.preview(unit);
          dry.lines.push(...onlineScript(statements));
          result.online = [{ version, name, schema, statements }];
        }
        if (waiting > 0)
          dry.comment(`${waiting} later migration(s) wait until the online migration is completed`);
        result.migrations.push({ version, name, durationMs: 0 });
        break;
      }
      onEvent({ type: 'migration-start', direction, version, name, file: path });
      await startUnit(options.onlineEnv(), unit.file, unit.loaded.definition);
      result.migrations.push({ version, name, durationMs: performance.now() - started });
      if (waiting > 0)
        onEvent({
          type: 'note',
          message: `${waiting} later migration(s) wait until the online migration is completed.`,
        });
      break;
    }
    if (!dry) onEvent({ type: 'migration-start', direction, version, name, file: path });
    dry?.comment(`${path} (${direction}${inTransaction(unit) ? '' : ', outside a transaction'})`);
    if (inTransaction(unit)) {
      const durable = unit === units[units.length - 1];
      await runTransactional(ctx, [transactional(unit)], { durable });
    } else {
      await runNonTransactional(ctx, {
        file: unit.file,
        step: unit.step,
        direction,
        previous: unit.entry.row,
        outcome: (record) => outcome(unit, record),
        mayRunInTransaction: (statementIndex) =>
          reports.get(unit)?.analyses?.[statementIndex]?.analysis?.transactional,
      });
    }
    const durationMs = performance.now() - started;
    if (!dry) onEvent({ type: 'migration-done', direction, version, name, durationMs });
    result.migrations.push({ version, name, durationMs });
  }
  return result;
}
