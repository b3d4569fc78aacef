/**
 * Functions, procedures and aggregates, as the server's own `CREATE OR REPLACE`: created before the
 * tables, triggers and views that use them and dropped after those. A new body replaces the old in
 * place; a new result type cannot, so the routine is dropped and created again (flagged: what uses it
 * must be dropped first).
 */

import { keyOf } from '../ddl/quote.js';
import {
  createRoutineSql,
  dropRoutineSql,
  routineKey,
  routineSignature,
  routineWord,
} from '../ddl/routines.js';
import type { Routine, SchemaModel } from '../model.js';
import { nameOf, review, type SchemaChange, sqlChange } from './change.js';
import { commentChange } from './comments.js';
import { dependencyOrder, type Phase } from './order.js';
import { mentions } from './views.js';

/**
 * Every routine change between two models. A routine whose definition names a table or view that
 * is new in `to` is created after the views (a SQL body is checked against the catalog when it is
 * created); the others before the tables, whose defaults, checks and triggers may call them.
 * Drops mirror that: one that reads a dropped table goes before it, the others after the tables.
 */
export function diffRoutines(from: SchemaModel, to: SchemaModel): SchemaChange[] {
  const onlyIn = (a: SchemaModel, b: SchemaModel) =>
    [...a.tables, ...a.views]
      .filter((o) => ![...b.tables, ...b.views].some((p) => keyOf(p) === keyOf(o)))
      .map((o) => o.name);
  const fresh = onlyIn(to, from);
  const gone = onlyIn(from, to);
  const phase = (r: Routine): Phase =>
    fresh.some((name) => mentions(r.definition, name)) ? 'createLateRoutines' : 'createRoutines';
  // A body that reads a dropped table (BEGIN ATOMIC records the dependency) goes before the table.
  const dropPhase = (r: Routine): Phase =>
    gone.some((name) => mentions(r.definition, name)) ? 'dropReadingRoutines' : 'dropRoutines';
  const out: SchemaChange[] = [];
  const old = new Map(from.routines.map((r) => [routineKey(r), r]));
  const now = new Map(to.routines.map((r) => [routineKey(r), r]));
  const object = (r: Routine) => ({ kind: 'routine' as const, name: nameOf(r), member: r.identityArguments });
  const callsIn = (routines: readonly Routine[]) => (r: Routine) =>
    routines.filter((o) => o !== r && o.name !== r.name && mentions(r.definition, o.name));
  // Callers before what they call.
  for (const r of dependencyOrder(from.routines, callsIn(from.routines)).reverse())
    if (!now.has(routineKey(r)))
      out.push(
        sqlChange(dropPhase(r), object(r), dropRoutineSql(r), {
          down: createRoutineSql(r),
          class: 'destructive',
        }),
      );
  // A routine that calls another (an aggregate its state function) comes after it.
  for (const r of dependencyOrder(to.routines, callsIn(to.routines))) {
    const before = old.get(routineKey(r));
    if (before === undefined)
      out.push(
        sqlChange(phase(r), object(r), createRoutineSql(r), {
          down: dropRoutineSql(r),
          class: 'additive',
        }),
      );
    else if (before.returns !== r.returns || before.kind !== r.kind)
      out.push(
        sqlChange(phase(r), object(r), `${dropRoutineSql(before)};\n${createRoutineSql(r)}`, {
          down: `${dropRoutineSql(r)};\n${createRoutineSql(before)}`,
          hazards: [
            review(
              `the result type changes (${before.returns} → ${r.returns}): the routine is dropped and created again, which fails while views, defaults or triggers use it`,
            ),
          ],
        }),
      );
    else if (before.definition !== r.definition)
      out.push(sqlChange(phase(r), object(r), createRoutineSql(r), { down: createRoutineSql(before) }));
    out.push(
      ...commentChange(routineWord(r), routineSignature(r), before?.comment ?? null, r.comment, object(r)),
    );
  }
  return out;
}
