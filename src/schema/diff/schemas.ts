/** Schemas: created first, dropped last (never cascading: their objects are dropped one by one). */
import { q } from '../ddl/quote.js';
import { createSchemaSql, dropSchemaSql } from '../ddl/schemas.js';
import type { SchemaModel } from '../model.js';
import { review, type SchemaChange, sqlChange } from './change.js';
import { commentChange } from './comments.js';

/** Every schema change between two models. */
export function diffSchemaList(from: SchemaModel, to: SchemaModel): SchemaChange[] {
  const out: SchemaChange[] = [];
  const object = (name: string) => ({ kind: 'schema' as const, name: { schema: name, name } });
  for (const s of from.schemas)
    if (!to.schemas.some((n) => n.name === s.name))
      out.push(
        sqlChange('dropSchemas', object(s.name), dropSchemaSql(s.name), {
          down: createSchemaSql(s),
          class: 'destructive',
          // The linter's ban-drop-schema refuses it until it is acknowledged.
          hazards: [
            review(`schema ${s.name} is dropped: queries that name it break (lint: ban-drop-schema)`),
          ],
        }),
      );
  for (const s of to.schemas) {
    const before = from.schemas.find((o) => o.name === s.name);
    if (before === undefined)
      out.push(
        sqlChange('createSchemas', object(s.name), createSchemaSql(s), {
          down: dropSchemaSql(s.name),
          class: 'additive',
        }),
      );
    out.push(...commentChange('SCHEMA', q(s.name), before?.comment ?? null, s.comment, object(s.name)));
  }
  return out;
}
