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
import type { ObjectName, Routine, SchemaModel } from '../model.js';
import { nameOf, review, type SchemaChange, sqlChange } from './change.js';
import { commentChange } from './comments.js';
import type { Phase } from './order.js';
import { mentions } from './views.js';

/**
 * Every routine change between two models. A routine whose definition names a table or view that
 * is new in `to` is created after the views (a SQL body is checked against the catalog when it is
 * created); the others before the tables, whose defaults, checks and triggers may call them.
 */
export function diffRoutines(from: SchemaModel, to: SchemaModel): SchemaChange[] {
  const isNew = (o: ObjectName) =>
    !from.tables.some((t) => keyOf(t) === keyOf(o)) && !from.views.some((v) => keyOf(v) === keyOf(o));
  const fresh = [...to.tables, ...to.views].filter(isNew).map((o) => o.name);
  const phase = (r: Routine): Phase =>
    fresh.some((name) => mentions(r.definition, name)) ? 'createLateRoutines' : 'createRoutines';
  const out: SchemaChange[] = [];
  const old = new Map(from.routines.map((r) => [routineKey(r), r]));
  const now = new Map(to.routines.map((r) => [routineKey(r), r]));
  const object = (r: Routine) => ({ kind: 'routine' as const, name: nameOf(r), member: r.identityArguments });
  for (const r of from.routines)
    if (!now.has(routineKey(r)))
      out.push(
        sqlChange('dropRoutines', object(r), dropRoutineSql(r), {
          down: createRoutineSql(r),
          class: 'destructive',
        }),
      );
  for (const r of to.routines) {
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
