/**
 * Sequences, as SQL: created before the tables whose defaults call them and owned by their column
 * once it exists; options altered in place. Identity sequences come and go with their column, and a
 * sequence owned by a dropped table or column is dropped by PostgreSQL with it.
 */
import { keyOf, qn } from '../ddl/quote.js';
import {
  alterSequenceSql,
  createSequenceSql,
  defaultIdentity,
  dropSequenceSql,
  identityOptionsSql,
  sequenceOptions,
  sequenceOwnedBySql,
} from '../ddl/types.js';
import type { SchemaModel, Sequence } from '../model.js';
import { byName, nameOf, type SchemaChange, same, sqlChange } from './change.js';
import { commentChange } from './comments.js';

const owner = (s: Sequence) => (s.ownedBy === null ? null : `${keyOf(s.ownedBy.table)}.${s.ownedBy.column}`);

/**
 * Every sequence change between two models; `gone` holds dropped tables (`schema.name`) and
 * dropped columns (`schema.table.column`), whose owned sequences need no drop of their own.
 */
export function diffSequences(from: SchemaModel, to: SchemaModel, gone: ReadonlySet<string>): SchemaChange[] {
  const out: SchemaChange[] = [];
  const old = byName(from.sequences.filter((s) => !s.identity));
  const now = byName(to.sequences.filter((s) => !s.identity));
  for (const s of old.values()) {
    if (now.has(keyOf(s))) continue;
    if (s.ownedBy !== null && (gone.has(keyOf(s.ownedBy.table)) || gone.has(owner(s)!))) continue;
    out.push(
      sqlChange('dropSequences', { kind: 'sequence', name: nameOf(s) }, dropSequenceSql(s), {
        down: createSequenceSql(s),
        class: 'destructive',
      }),
    );
  }
  for (const s of now.values()) {
    const object = { kind: 'sequence' as const, name: nameOf(s) };
    const before = old.get(keyOf(s));
    if (before === undefined) {
      out.push(
        sqlChange('createSequences', object, createSequenceSql(s), {
          down: dropSequenceSql(s),
          class: 'additive',
        }),
      );
      if (s.ownedBy !== null) out.push(sqlChange('ownSequences', object, sequenceOwnedBySql(s)));
    } else {
      if (sequenceOptions(before) !== sequenceOptions(s))
        out.push(
          sqlChange('createSequences', object, alterSequenceSql(s), { down: alterSequenceSql(before) }),
        );
      if (!same(before.ownedBy, s.ownedBy))
        out.push(
          sqlChange('ownSequences', object, sequenceOwnedBySql(s), { down: sequenceOwnedBySql(before) }),
        );
    }
    out.push(...commentChange('SEQUENCE', qn(s), before?.comment ?? null, s.comment, object));
  }
  out.push(...identityChanges(from, to));
  return out;
}

/**
 * Options of identity sequences: set on the column once it exists, when they are not what
 * `GENERATED … AS IDENTITY` gives (a new column) or when they changed.
 */
function identityChanges(from: SchemaModel, to: SchemaModel): SchemaChange[] {
  const old = byName(from.sequences.filter((s) => s.identity));
  const out: SchemaChange[] = [];
  for (const s of to.sequences) {
    if (!s.identity || s.ownedBy === null) continue;
    const before = old.get(keyOf(s));
    const same = before === undefined ? defaultIdentity(s) : sequenceOptions(before) === sequenceOptions(s);
    if (same) continue;
    const object = { kind: 'column' as const, name: nameOf(s.ownedBy.table), member: s.ownedBy.column };
    out.push(
      sqlChange(
        'ownSequences',
        object,
        identityOptionsSql(s),
        before === undefined ? {} : { down: identityOptionsSql(before) },
      ),
    );
  }
  return out;
}
