/**
 * An online migration's preview as lines of a SQL script, each phase labelled, each statement after
 * a comment naming the locks it takes: what `up --dry-run` prints and `sluice plan` shows.
 */
import type { PreviewStatement } from '../online/index.js';

/** A previewed statement whose locks may carry the planner's row estimate (`sluice plan`). */
export type ReportedStatement = Omit<PreviewStatement, 'locks'> & {
  locks: { mode: string; table: string; estimatedRows?: number | null }[];
};

const PHASES: Record<PreviewStatement['phase'], string> = {
  start: 'start: what `sluice up` runs',
  complete: 'complete: what `sluice complete` runs (contract)',
  abort: 'abort: what `sluice abort` runs instead (rollback)',
};

function rows(n: number | null | undefined): string {
  if (n === undefined) return '';
  return n === null ? ' (~? rows)' : ` (~${n} rows)`;
}

/**
 * @example
 * for (const line of onlineScript(preview.statements)) console.log(line);
 */
export function onlineScript(statements: readonly ReportedStatement[]): string[] {
  const lines: string[] = [];
  let phase: string | null = null;
  let step: string | null = null;
  for (const statement of statements) {
    if (statement.phase !== phase) {
      phase = statement.phase;
      step = null;
      lines.push(`-- ==== ${PHASES[statement.phase]} ====`);
    }
    if (statement.step !== step) {
      step = statement.step;
      lines.push(`-- ${step}`);
    }
    if (statement.bookkeeping) {
      // sluice's own state rows: named, not spelled out (the plan it stores is long JSON).
      const first = statement.sql.split('\n')[0]!;
      lines.push(`-- sluice state: ${first.length > 100 ? `${first.slice(0, 100)}…` : first}`);
      continue;
    }
    if (statement.backfill) {
      const backfill = statement.backfill;
      const key = backfill.key.map((column) => `:last_${column}`).join(', ');
      lines.push(
        `-- backfill ${backfill.mode === 'copy' ? `copies ${backfill.table} into ${backfill.target}` : `of ${backfill.table}`}: walks ${backfill.table} by its key (${backfill.key.join(', ') || 'none: the backfill will fail'}), one batch a statement, each committed with its checkpoint;`,
        `--   ${key} / :hi_… are a batch's bounds (the first batch has no lower bound), :rows and :batch_size its counts`,
      );
    }
    if (statement.locks.length > 0) {
      const locks = statement.locks
        .map((lock) => `${lock.mode} on ${lock.table}${rows(lock.estimatedRows)}`)
        .join(', ');
      lines.push(`-- locks ${locks}${statement.inTransaction ? ', held until COMMIT' : ''}`);
    }
    lines.push(`${statement.sql};`);
  }
  return lines;
}
