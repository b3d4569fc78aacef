/**
 * Dual-write triggers. One trigger function per changed table (fired BEFORE INSERT, and BEFORE UPDATE
 * when a column its expressions read changed) decides who is writing
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

/**
 * The columns an expression names: unquoted words match case-insensitively, quoted identifiers
 * exactly. Words inside string literals count too: naming a column too many is safe (the trigger
 * fires a little more often), missing one would not be.
 */
export function referencedColumns(expr: string, columns: readonly ColumnMapping[]): ColumnMapping[] {
  const words = new Set<string>();
  for (const m of expr.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)/g)) {
    if (m[1] !== undefined) words.add(m[1].replace(/""/g, '"'));
    else words.add(m[2]!.toLowerCase());
  }
  return columns.filter((c) => words.has(c.name) || words.has(c.name.toLowerCase()));
}

function branch(
  schema: string,
  table: string,
  columns: ColumnMapping[],
  assignments: Assignment[],
): SqlFragment {
  // Only the columns the expressions read are copied into variables: each one is work per row.
  const used = new Set(assignments.flatMap((a) => referencedColumns(a.expr, columns)));
  const vars = columns
    .filter((c) => used.has(c) && declarable(c.name))
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

/**
 * The `WHEN` condition of the UPDATE trigger: a column some expression reads changed, or a column
 * it writes is still NULL (a row the backfill has not reached yet must be filled by any update).
 * Null when the trigger must fire on every update (an expression that reads no column). An UPDATE
 * that matches none keeps the values computed before, without calling PL/pgSQL at all: most of
 * the cost of a row trigger is the call.
 */
function updateCondition(t: TablePlan): SqlFragment | null {
  const up = t.up.filter((a) => a.on === 'always');
  const down = t.down.filter((a) => a.on === 'always');
  const reads = [
    ...up.map((a) => referencedColumns(a.expr, t.oldColumns)),
    ...down.map((a) => referencedColumns(a.expr, t.newColumns)),
  ];
  if (reads.some((cols) => cols.length === 0)) return null;
  const changed = [...new Set(reads.flat().map((c) => c.physical))].sort();
  const written = [...new Set([...up, ...down].map((a) => a.target))].sort();
  return join(
    [
      ...changed.map((c) => sql`NEW.${ident(c)} IS DISTINCT FROM OLD.${ident(c)}`),
      ...written.map((c) => sql`NEW.${ident(c)} IS NULL`),
    ],
    ' OR ',
  );
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
  const trgUpdate = ident(triggerName(plan.newSchema, 'syncu'));
  const table = ident(plan.schema, t.physical);
  const statements = [
    sql`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${raw(DOLLAR)}\n${body}\n${raw(DOLLAR)}`,
    sql`DROP TRIGGER IF EXISTS ${trg} ON ${table}`,
    sql`DROP TRIGGER IF EXISTS ${trgUpdate} ON ${table}`,
    sql`CREATE TRIGGER ${trg} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
  if ([...t.up, ...t.down].some((a) => a.on === 'always')) {
    const when = updateCondition(t);
    statements.push(
      when
        ? sql`CREATE TRIGGER ${trgUpdate} BEFORE UPDATE ON ${table} FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${fn}()`
        : sql`CREATE TRIGGER ${trgUpdate} BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
  }
  return statements;
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
    sql`DROP TRIGGER IF EXISTS ${ident(triggerName(plan.newSchema, 'syncu'))} ON ${ident(plan.schema, physical)}`,
    sql`DROP FUNCTION IF EXISTS ${ident(plan.schema, triggerFunctionName(plan.newSchema, t.physical))}()`,
  ];
}
