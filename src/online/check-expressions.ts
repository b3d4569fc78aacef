/**
 * Tries every `up` and `down` expression against the real tables before anything changes, so a
 * typo fails `sluice up` with the operation's name instead of failing a backfill half-way. Each
 * expression runs as `SELECT (expr) FROM … LIMIT 0` over the columns its version sees (temporary
 * columns stand in as typed NULLs): it is parsed, resolved and type-checked, and reads no row.
 */
import type { Connection } from '../dialects/dialect.js';
import { MigrationFileError } from '../errors.js';
import { ident, join, raw, type SqlFragment, sql } from '../sql/tag.js';
import { run } from './db.js';
import type { Assignment, ColumnMapping, OnlinePlan, TablePlan } from './types.js';

function source(plan: OnlinePlan, t: TablePlan, cols: ColumnMapping[]): SqlFragment {
  const list = cols.map((c) => {
    const type = t.tempTypes?.[c.physical];
    return type ? sql`NULL::${raw(type)} AS ${ident(c.name)}` : sql`${ident(c.physical)} AS ${ident(c.name)}`;
  });
  return sql`(SELECT ${join(list)} FROM ${ident(plan.schema, t.physical)} LIMIT 0) AS sluice_row`;
}

async function tryOne(conn: Connection, from: SqlFragment, a: Assignment, file: string): Promise<void> {
  // A savepoint-free probe: each statement is its own implicit transaction.
  try {
    await run(conn, sql`SELECT (${raw(a.expr)}) FROM ${from}`);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new MigrationFileError(
      `Online operation ${a.source ?? a.target}: the expression \`${a.expr}\` fails: ${message}.`,
      {
        cause,
        details: {
          file,
          hint: "An `up` expression reads the old version's columns; a `down` expression reads the new version's.",
        },
      },
    );
  }
}

/**
 * @example
 * await checkExpressions(conn, plan, 'migrations/20240101_x.ts'); // throws MigrationFileError on a bad expression
 */
export async function checkExpressions(conn: Connection, plan: OnlinePlan, file: string): Promise<void> {
  for (const t of plan.tables) {
    if (t.up.length) {
      const from = source(plan, t, t.oldColumns);
      for (const a of t.up) await tryOne(conn, from, a, file);
    }
    if (t.down.length) {
      const from = source(plan, t, t.newColumns);
      for (const a of t.down) await tryOne(conn, from, a, file);
    }
  }
}
