/** Extensions: installed right after the schemas, updated or moved in place, removed near the end. */
import { lit, q } from '../ddl/quote.js';
import { createExtensionSql, dropExtensionSql } from '../ddl/schemas.js';
import type { SchemaModel } from '../model.js';
import { review, type SchemaChange, sqlChange } from './change.js';
import { commentChange } from './comments.js';

/** Every extension change between two models. */
export function diffExtensions(from: SchemaModel, to: SchemaModel): SchemaChange[] {
  const out: SchemaChange[] = [];
  const object = (name: string, schema: string) => ({ kind: 'extension' as const, name: { schema, name } });
  for (const e of from.extensions)
    if (!to.extensions.some((n) => n.name === e.name))
      out.push(
        sqlChange('dropExtensions', object(e.name, e.schema), dropExtensionSql(e.name), {
          down: createExtensionSql(e),
          class: 'destructive',
          hazards: [review(`removing ${e.name} fails while objects use its types or functions`)],
        }),
      );
  for (const e of to.extensions) {
    const before = from.extensions.find((o) => o.name === e.name);
    const o = object(e.name, e.schema);
    if (before === undefined) {
      out.push(
        sqlChange('createExtensions', o, createExtensionSql(e), {
          down: dropExtensionSql(e.name),
          class: 'additive',
        }),
      );
      continue;
    }
    if (before.version !== e.version)
      out.push(
        sqlChange('createExtensions', o, `ALTER EXTENSION ${q(e.name)} UPDATE TO ${lit(e.version)}`, {
          down: `ALTER EXTENSION ${q(e.name)} UPDATE TO ${lit(before.version)}`,
          hazards: [review('an extension update may not have a way back to the old version')],
        }),
      );
    if (before.schema !== e.schema)
      out.push(
        sqlChange('createExtensions', o, `ALTER EXTENSION ${q(e.name)} SET SCHEMA ${q(e.schema)}`, {
          down: `ALTER EXTENSION ${q(e.name)} SET SCHEMA ${q(before.schema)}`,
        }),
      );
    out.push(...commentChange('EXTENSION', q(e.name), before.comment, e.comment, o));
  }
  return out;
}
