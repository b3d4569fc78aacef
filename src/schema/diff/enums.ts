/**
 * Enum types. New labels are added in place (`addEnumValue` with `before`/`after`); a label removed
 * or moved cannot be done in place: it is written as SQL that re-creates the type and casts every
 * column that uses it, flagged for review.
 */
import { commentSql } from '../ddl/comments.js';
import { keyOf, lit, q, qn } from '../ddl/quote.js';
import { createEnumSql } from '../ddl/types.js';
import type { EnumType, SchemaModel } from '../model.js';
import { byName, change, deletes, nameOf, review, type SchemaChange, sqlChange } from './change.js';
import { commentChange } from './comments.js';

/** Whether `from` is `to` with labels left out (order kept): then labels can be added in place. */
export function addsOnly(from: readonly string[], to: readonly string[]): boolean {
  let i = 0;
  for (const label of to) if (label === from[i]) i++;
  return i === from.length;
}

/** The `addEnumValue` changes that turn labels `from` into `to` (see {@link addsOnly}). */
export function addedValues(e: EnumType, from: readonly string[]): SchemaChange[] {
  const out: SchemaChange[] = [];
  const have = [...from];
  e.values.forEach((label, i) => {
    if (have.includes(label)) return;
    const after = e.values[i - 1];
    const before = e.values[i + 1];
    const place = after !== undefined ? { after } : before !== undefined ? { before } : {};
    have.push(label);
    out.push(
      change(
        'alterTypes',
        { kind: 'enum', name: nameOf(e) },
        { kind: 'addEnumValue', type: nameOf(e), value: label, ...place },
        [
          review(
            `the new label "${label}" cannot be used in the transaction that adds it (PostgreSQL refuses an unsafe use of a new enum value)`,
          ),
        ],
      ),
    );
  });
  return out;
}

/** Columns of `model` whose type is the enum (or an array of it), as the server prints it. */
function usersOf(e: EnumType, model: SchemaModel) {
  const names = new Set([e.name, `${e.schema}.${e.name}`, q(e.name), `${q(e.schema)}.${q(e.name)}`]);
  return model.tables.flatMap((t) =>
    t.columns.filter((c) => names.has(c.type.replace(/\[\]$/, ''))).map((c) => ({ table: t, column: c })),
  );
}

/** The re-create-and-cast SQL for a label removed or moved. */
function recreate(to: EnumType, from: SchemaModel, target: SchemaModel): string {
  const old = `${to.name}__old`;
  const steps = [`ALTER TYPE ${qn(to)} RENAME TO ${q(old)}`, createEnumSql(to)];
  const users = usersOf(to, from);
  for (const { table, column } of users) {
    const array = column.type.endsWith('[]') ? '[]' : '';
    const alter = `ALTER TABLE ${qn(table)} ALTER COLUMN ${q(column.name)}`;
    if (column.default !== null) steps.push(`${alter} DROP DEFAULT`);
    steps.push(`${alter} TYPE ${qn(to)}${array} USING ${q(column.name)}::text${array}::${qn(to)}${array}`);
    // The default comes back if it stays; a changed one is the column's own change, later.
    const kept = target.tables
      .find((t) => keyOf(t) === keyOf(table))
      ?.columns.find((c) => c.name === column.name);
    if (column.default !== null && kept?.default === column.default)
      steps.push(`${alter} SET DEFAULT ${column.default}`);
  }
  steps.push(`DROP TYPE ${qn({ schema: to.schema, name: old })}`);
  if (to.comment !== null) steps.push(commentSql('TYPE', qn(to), to.comment));
  return steps.join(';\n');
}

/** Every enum change between two models. */
export function diffEnums(from: SchemaModel, to: SchemaModel): SchemaChange[] {
  const out: SchemaChange[] = [];
  const old = byName(from.enums);
  const now = byName(to.enums);
  for (const e of from.enums)
    if (!now.has(keyOf(e)))
      out.push(change('dropEnums', { kind: 'enum', name: nameOf(e) }, { kind: 'dropEnum', type: nameOf(e) }));
  for (const e of to.enums) {
    const object = { kind: 'enum' as const, name: nameOf(e) };
    const before = old.get(keyOf(e));
    if (before === undefined) {
      out.push(change('createTypes', object, { kind: 'createEnum', type: nameOf(e), values: [...e.values] }));
      out.push(...commentChange('TYPE', qn(e), null, e.comment, object));
      continue;
    }
    if (addsOnly(before.values, e.values)) out.push(...addedValues(e, before.values));
    else {
      const removed = before.values.filter((v) => !e.values.includes(v));
      out.push(
        sqlChange('alterTypes', object, recreate(e, from, to), {
          hazards: [
            review(
              removed.length > 0
                ? `labels ${removed.map(lit).join(', ')} are removed: rows holding them make the cast fail; update them first`
                : 'labels are reordered: the type is re-created and every column using it is rewritten',
            ),
            ...(removed.length > 0
              ? [deletes(`enum labels ${removed.map(lit).join(', ')} of ${keyOf(e)}`)]
              : []),
            { kind: 'rewritesTable' as const, reason: 'each column of the type is cast to the new type' },
          ],
        }),
      );
    }
    out.push(...commentChange('TYPE', qn(e), before.comment, e.comment, object));
  }
  return out;
}
