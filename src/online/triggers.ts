/**
 * Dual-write triggers. One BEFORE INSERT OR UPDATE trigger per changed table decides who is writing
 * by the first schema of the writer's effective `search_path` (`current_schemas(false)[1]`): a session
 * whose first schema is the new version schema is the new version; any other session (the old
 * version schema, plain `public`, the backfill) is the old version. The old version's writes compute
 * the new columns from the `up` expressions; the new version's writes compute the old columns from
 * the `down` expressions. Both branches only assign to `NEW` — they never write another row — so
 * they cannot recurse.
 *
 * Expressions are written against column names as the writing version sees them; the function
 * declares one PL/pgSQL variable per visible column (typed like its physical column) so `age::bigint`
 * reads the value being written.
 */
import { ident, join, literal, raw, type SqlFragment, sql } from '../sql/tag.js';
import { triggerFunctionName, triggerName } from './names.js';
import type { Assignment, ColumnMapping, OnlinePlan, TablePlan } from './types.js';

const DOLLAR = '$sluice$';

/** Names PL/pgSQL gives a meaning of its own: declaring them would hide NEW/OLD/TG_*. */
function declarable(name: string): boolean {
  const n = name.toLowerCase();
  return n !== 'new' && n !== 'old' && n !== 'found' && !n.startsWith('tg_');
}

function branch(
  schema: string,
  table: string,
  columns: ColumnMapping[],
  assignments: Assignment[],
): SqlFragment {
  const vars = columns
    .filter((c) => declarable(c.name))
    .map(
      (c) =>
        sql`      ${ident(c.name)} ${ident(schema, table, c.physical)}%TYPE := NEW.${ident(c.physical)};\n`,
    );
  const sets = assignments.map((a) => {
    if (a.expr.includes(DOLLAR)) throw new TypeError(`expression must not contain ${DOLLAR}: ${a.expr}`);
    const set = sql`NEW.${ident(a.target)} := (${raw(a.expr)});`;
    return a.on === 'insert' ? sql`      IF TG_OP = 'INSERT' THEN ${set} END IF;\n` : sql`      ${set}\n`;
  });
  return sql`    DECLARE\n${join(vars, '')}    BEGIN\n${sets.length ? join(sets, '') : raw('      NULL;\n')}    END;\n`;
}

/** True when the table needs a dual-write trigger. */
export function needsTrigger(t: TablePlan): boolean {
  return t.up.length > 0 || t.down.length > 0;
}

/**
 * The statements that (re)install the dual-write trigger of one table: idempotent, catalog-only.
 *
 * @example
 * for (const s of triggerStatements(plan, table)) await run(conn, s);
 */
export function triggerStatements(plan: OnlinePlan, t: TablePlan): SqlFragment[] {
  const fn = ident(plan.schema, triggerFunctionName(plan.newSchema, t.physical));
  const body = sql`BEGIN
  IF (current_schemas(false))[1] IS DISTINCT FROM ${literal(plan.newSchema)} THEN
${branch(plan.schema, t.physical, t.oldColumns, t.up)}  ELSE
${branch(plan.schema, t.physical, t.newColumns, t.down)}  END IF;
  RETURN NEW;
END`;
  const trg = ident(triggerName(plan.newSchema));
  const table = ident(plan.schema, t.physical);
  return [
    sql`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${raw(DOLLAR)}\n${body}\n${raw(DOLLAR)}`,
    sql`DROP TRIGGER IF EXISTS ${trg} ON ${table}`,
    sql`CREATE TRIGGER ${trg} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

/**
 * Statements that remove the dual-write trigger of one table (idempotent). `physical` is the table's
 * name at the time they run.
 *
 * @example
 * for (const s of dropTriggerStatements(plan, 'users', 'users')) await run(conn, s);
 */
export function dropTriggerStatements(plan: OnlinePlan, t: TablePlan, physical: string): SqlFragment[] {
  return [
    sql`DROP TRIGGER IF EXISTS ${ident(triggerName(plan.newSchema))} ON ${ident(plan.schema, physical)}`,
    sql`DROP FUNCTION IF EXISTS ${ident(plan.schema, triggerFunctionName(plan.newSchema, t.physical))}()`,
  ];
}
