/**
 * The `db` object a TypeScript migration receives. Every call becomes one statement sent to the
 * sink, so a live run, a dry run and a resumed non-transactional run behave the same way.
 */
import type { Dialect, QueryResult } from '../dialects/dialect.js';
import type { MigrationDb } from '../migrations/types.js';
import { ident, raw, render, type SqlFragment, sql } from '../sql/tag.js';
import type { StatementOrigin } from './sink.js';

/** Runs one statement of a TypeScript migration. */
export type StatementRunner = <R>(
  text: string,
  values: readonly unknown[],
  origin: StatementOrigin,
) => Promise<QueryResult<R>>;

/**
 * Finds the line of the migration file that made the current call, from the stack. With source
 * maps on (jiti adds them), this is the line in the .ts file.
 */
export function callerLine(file: string): number | undefined {
  return stackLine(new Error().stack ?? '', file);
}

/** The line of `file` in the first stack frame that is in it (a `.ts` line when source maps are on). */
export function stackLine(stack: string, file: string): number | undefined {
  const base = file.replace(/\\/g, '/').split('/').pop() ?? file;
  for (const frame of stack.split('\n')) {
    if (!frame.includes(base)) continue;
    const position = /:(\d+):(\d+)\)?\s*$/.exec(frame);
    if (position) return Number(position[1]);
  }
  return undefined;
}

/** The `db` plus the runner's handle to send statements through the same counter. */
export type RunnerMigrationDb = MigrationDb & {
  /** Sends a statement made by sluice itself (a compiled operation) at a given file line. */
  send<R>(
    text: string,
    values: readonly unknown[],
    origin: Omit<StatementOrigin, 'file' | 'index'>,
  ): Promise<QueryResult<R>>;
};

/**
 * Creates the `db` for one run of a migration step.
 *
 * @example
 * const db = createMigrationDb(postgresDialect, 'migrations/1_x.ts', false, runStatement);
 * await db.sql`SELECT 1`;
 */
export function createMigrationDb(
  dialect: Dialect,
  file: string,
  dryRun: boolean,
  runStatement: StatementRunner,
): RunnerMigrationDb {
  // One counter for every statement of the step: a resumed non-transactional run skips by index.
  let index = 0;
  const send = <R>(
    text: string,
    values: readonly unknown[],
    origin: Omit<StatementOrigin, 'file' | 'index'>,
  ) => runStatement<R>(text, values, { ...origin, file, index: index++ });
  const exec = <R>(text: string, values: readonly unknown[]): Promise<QueryResult<R>> =>
    send<R>(text, values, { line: callerLine(file) });
  const runFragment = async <R>(fragment: SqlFragment): Promise<R[]> => {
    const { text, values } = render(fragment, dialect.quoting);
    return (await exec<R>(text, values)).rows;
  };
  return {
    dryRun,
    send,
    sql: <R>(strings: TemplateStringsArray, ...values: unknown[]) => runFragment<R>(sql(strings, ...values)),
    run: runFragment,
    exec: async (text: string) => {
      await exec(text, []);
    },
    query: <R>(text: string, values: readonly unknown[] = []) => exec<R>(text, values),
    ident,
    raw,
  };
}
