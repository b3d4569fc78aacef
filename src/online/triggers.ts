/**
 * Dual-write triggers. Who is writing is decided by the first schema of the writer's effective
 * `search_path` (`current_schema()`, the same as `(current_schemas(false))[1]`): a session whose
 * first schema is the new version schema is the new version; any other session (the old version
 * schema, plain `public`, the backfill) is the old version. The old version's writes compute the new
 * columns from the `up` expressions; the new version's writes compute the old columns from the
 * `down` expressions. Functions only assign to `NEW` — they never write another row — so they
 * cannot recurse.
 *
 * Each direction has its own trigger function and its own triggers, and the writer test is in the
 * triggers' `WHEN` clauses, which the executor evaluates without entering PL/pgSQL: a function is
 * only called for the writes it has work to do on, and its body is nothing but assignments. An
 * UPDATE trigger also fires only when a column an expression reads changed, or a column one writes
 * is still NULL (tested first, so updates of other columns never ask who is writing).
 *
 * Expressions are written against column names as the writing version sees them. Each column
 * reference is rewritten to the physical column of the row being written (`NEW."_sluice_age"`),
 * found by PostgreSQL's parser; an expression the parser cannot map with certainty falls back to one
 * PL/pgSQL variable per column it reads, named like the column. Either way `age::bigint` reads the
 * value being written. The caller loads the parser first (`loadParser()`).
 */
import { ident, join, literal, postgresQuoting, raw, type SqlFragment, sql } from '../sql/tag.js';
import { bareColumnRefs } from './column-refs.js';
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

/** The writers a trigger function serves: `up` the old version's, `down` the new version's. */
type Direction = 'up' | 'down';

/**
 * The expressions with every column reference pointed at `NEW."physical"`, or null when some
 * expression's references cannot all be found with certainty ({@link bareColumnRefs}), name no
 * column of the writing version, or name a column the function itself assigns.
 */
function readNewDirectly(columns: ColumnMapping[], assignments: Assignment[]): string[] | null {
  const targets = new Set(assignments.map((a) => a.target));
  const out: string[] = [];
  for (const a of assignments) {
    const refs = bareColumnRefs(a.expr);
    if (!refs) return null;
    let expr = a.expr;
    for (const r of [...refs].sort((x, y) => y.start - x.start)) {
      const col = columns.find((c) => c.name === r.name);
      // A column an earlier assignment writes would be read as assigned, not as written.
      if (!col || targets.has(col.physical)) return null;
      expr = `${expr.slice(0, r.start)}NEW.${postgresQuoting.ident(col.physical)}${expr.slice(r.end)}`;
    }
    out.push(expr);
  }
  return out;
}

/**
 * The body of one direction's trigger function: its assignments, each expression over the writing
 * version's columns. Expressions read `NEW."physical"` in place when the parser can point at every
 * column they name; otherwise each column they read is copied into a variable named like it (typed
 * like its physical column), which costs one more evaluation per column and row.
 */
function functionBody(
  schema: string,
  table: string,
  columns: ColumnMapping[],
  assignments: Assignment[],
): SqlFragment {
  for (const a of assignments) {
    if (a.expr.includes(DOLLAR)) throw new TypeError(`expression must not contain ${DOLLAR}: ${a.expr}`);
  }
  const direct = readNewDirectly(columns, assignments);
  const exprs = direct ?? assignments.map((a) => a.expr);
  const sets = assignments.map((a, i) => sql`  NEW.${ident(a.target)} := (${raw(exprs[i] as string)});\n`);
  if (direct) return sql`BEGIN\n${join(sets, '')}  RETURN NEW;\nEND`;
  const used = new Set(assignments.flatMap((a) => referencedColumns(a.expr, columns)));
  const vars = columns
    .filter((c) => used.has(c) && declarable(c.name))
    .map(
      (c) => sql`  ${ident(c.name)} ${ident(schema, table, c.physical)}%TYPE := NEW.${ident(c.physical)};\n`,
    );
  const declare = vars.length ? sql`DECLARE\n${join(vars, '')}` : raw('');
  return sql`${declare}BEGIN\n${join(sets, '')}  RETURN NEW;\nEND`;
}

/**
 * True when the writer is the direction's version. `current_schema()` is the first schema of the
 * effective search path, resolved as PostgreSQL resolves it (`$user`, quoting, schemas that do not
 * exist are skipped); no first schema (an empty path) counts as the old version.
 */
function writerIs(plan: OnlinePlan, dir: Direction): SqlFragment {
  return dir === 'up'
    ? sql`current_schema() IS DISTINCT FROM ${literal(plan.newSchema)}`
    : sql`current_schema() = ${literal(plan.newSchema)}`;
}

/**
 * The `WHEN` condition of the UPDATE triggers (both directions): a column some expression reads
 * changed, or a column it writes is still NULL (a row the backfill has not reached yet must be
 * filled by any update). Null when the trigger must fire on every update (an expression that reads
 * no column). An UPDATE that matches none keeps the values computed before, without calling
 * PL/pgSQL at all: most of the cost of a row trigger is the call.
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

/**
 * Names of every trigger and trigger function a table may have had from this module, including the
 * single `sync` function of earlier releases (a migration started by one of them is completed or
 * aborted by this one).
 */
const TRIGGER_ROLES = ['sync', 'syncu', 'up', 'upu', 'down', 'downu'];
const FUNCTION_ROLES = ['sync', 'up', 'upu', 'down', 'downu'];

/** True when the table needs a dual-write trigger. */
export function needsTrigger(t: TablePlan): boolean {
  return t.up.length > 0 || t.down.length > 0;
}

/** What installs a table's dual-write triggers: the functions, then what needs the table lock. */
export interface TriggerStatements {
  /** `CREATE OR REPLACE FUNCTION`s: catalog-only, they can run before the table lock. */
  functions: SqlFragment[];
  /** Drops of the table's previous triggers, then the `CREATE TRIGGER`s. */
  install: SqlFragment[];
}

/**
 * The statements that (re)install the dual-write triggers of one table: idempotent, catalog-only.
 * Per direction with assignments: a BEFORE INSERT trigger, and a BEFORE UPDATE trigger when some
 * assignment applies to updates. The UPDATE function is the INSERT function unless the direction
 * has insert-only assignments, in which case it has its own function without them.
 *
 * @example
 * const { functions, install } = triggerStatements(plan, table);
 * for (const s of [...functions, ...install]) await run(conn, s);
 */
export function triggerStatements(plan: OnlinePlan, t: TablePlan): TriggerStatements {
  const table = ident(plan.schema, t.physical);
  const functions: SqlFragment[] = [];
  const install = TRIGGER_ROLES.map(
    (r) => sql`DROP TRIGGER IF EXISTS ${ident(triggerName(plan.newSchema, r))} ON ${table}`,
  );
  const changes = updateCondition(t);
  const sides: [Direction, ColumnMapping[], Assignment[]][] = [
    ['up', t.oldColumns, t.up],
    ['down', t.newColumns, t.down],
  ];
  for (const [dir, columns, all] of sides) {
    if (all.length === 0) continue;
    const define = (role: string, assignments: Assignment[]) => {
      const fn = ident(plan.schema, triggerFunctionName(plan.newSchema, t.physical, role));
      const body = functionBody(plan.schema, t.physical, columns, assignments);
      functions.push(
        sql`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${raw(DOLLAR)}\n${body}\n${raw(DOLLAR)}`,
      );
      return fn;
    };
    const writer = writerIs(plan, dir);
    const onInsert = define(dir, all);
    install.push(
      sql`CREATE TRIGGER ${ident(triggerName(plan.newSchema, dir))} BEFORE INSERT ON ${table} FOR EACH ROW WHEN (${writer}) EXECUTE FUNCTION ${onInsert}()`,
    );
    const always = all.filter((a) => a.on === 'always');
    if (always.length === 0) continue;
    const onUpdate = always.length === all.length ? onInsert : define(`${dir}u`, always);
    const when = changes ? sql`(${changes}) AND ${writer}` : writer;
    install.push(
      sql`CREATE TRIGGER ${ident(triggerName(plan.newSchema, `${dir}u`))} BEFORE UPDATE ON ${table} FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${onUpdate}()`,
    );
  }
  return { functions, install };
}

/**
 * Statements that remove the dual-write triggers of one table (idempotent). `physical` is the
 * table's name at the time they run.
 *
 * @example
 * for (const s of dropTriggerStatements(plan, 'users', 'users')) await run(conn, s);
 */
export function dropTriggerStatements(plan: OnlinePlan, t: TablePlan, physical: string): SqlFragment[] {
  const table = ident(plan.schema, physical);
  return [
    ...TRIGGER_ROLES.map(
      (r) => sql`DROP TRIGGER IF EXISTS ${ident(triggerName(plan.newSchema, r))} ON ${table}`,
    ),
    ...FUNCTION_ROLES.map(
      (r) =>
        sql`DROP FUNCTION IF EXISTS ${ident(plan.schema, triggerFunctionName(plan.newSchema, t.physical, r))}()`,
    ),
  ];
}
