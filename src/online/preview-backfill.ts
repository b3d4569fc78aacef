/**
 * The shape of a backfill batch for a preview: the engine's own batch statement on PostgreSQL
 * ({@link batchStatement}), with the bounds of a batch as named placeholders, and the table and key
 * it walks. A preview runs no batch: how many there are depends on the rows and the pacing. Like
 * the rest of the preview (recording.ts), this is PostgreSQL's: it parses what it records.
 */
import { parseSql } from '../dialects/postgres/parser.js';
import { postgresQuoting, type Quoting, render, renderInline } from '../sql/tag.js';
import { batchStatement } from './backfill/postgres/statements.js';
import type { BackfillSpec } from './backfill/types.js';
import { STATE_SCHEMA } from './names.js';
import type { RecordingConnection } from './recording.js';

/**
 * Records the batch statement of `spec` walking `key` (the key table's primary key).
 *
 * @example
 * recordBackfill(rec, { id: 'x:users', mode: 'update', table: { schema: 'public', name: 'users' }, set: { a: 'b' } }, ['id']);
 */
export function recordBackfill(rec: RecordingConnection, spec: BackfillSpec, key: string[]): void {
  const keyTable = spec.mode === 'update' ? spec.table : spec.source;
  const placeholders = new Map<unknown, string>();
  const bound = (side: string) =>
    key.map((column) => {
      const marker = `\u0000${side}:${column}`;
      placeholders.set(marker, `:${side}_${column}`);
      return marker;
    });
  const ROWS = -1;
  const SIZE = -2;
  placeholders.set(ROWS, ':rows');
  placeholders.set(SIZE, ':batch_size');
  const fragment = batchStatement({ spec, keyTable, keyColumns: key }, STATE_SCHEMA, {
    lastKey: bound('last'),
    hiKey: bound('hi'),
    keys: ROWS,
    batchSize: SIZE,
  });
  const named: Quoting = {
    ...postgresQuoting,
    literal: (value) => {
      const name = placeholders.get(value);
      if (name) return name;
      if (Array.isArray(value) && value.length > 0 && value.every((item) => placeholders.has(item)))
        return `ARRAY[${value.map((item) => placeholders.get(item)).join(', ')}]`;
      return postgresQuoting.literal(value);
    },
  };
  const parsed = parseSql(render(fragment, postgresQuoting).text);
  const show = (table: { schema: string; name: string }) => `${table.schema}.${table.name}`;
  rec.add(renderInline(fragment, named), parsed.ok ? parsed.stmts[0]?.node : undefined, {
    // It writes the checkpoint too, but it is the application's rows it is about.
    bookkeeping: false,
    backfill: {
      id: spec.id,
      mode: spec.mode,
      table: show(keyTable),
      key,
      ...(spec.mode === 'copy' ? { target: show(spec.target) } : {}),
    },
  });
}
