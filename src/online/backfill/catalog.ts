/**
 * Checks a spec against the catalog before anything is written: the tables exist, the columns
 * exist and are writable, the walked table has a primary key. Catalog lookups bind names as values,
 * so odd names need no quoting here.
 */
import type { Connection } from '../../dialects/dialect.js';
import { BackfillError } from './errors.js';
import type { ResolvedSpec } from './statements.js';
import type { BackfillSpec, TableRef } from './types.js';

interface Column {
  name: string;
  /** `GENERATED ALWAYS AS (…) STORED`: never writable. */
  generated: boolean;
  /** `GENERATED ALWAYS AS IDENTITY`: an UPDATE cannot set it; the copy's INSERT overrides it. */
  identityAlways: boolean;
}

const show = (t: TableRef) => `${t.schema}.${t.name}`;

function invalid(message: string, hint: string, spec: unknown): BackfillError {
  const id = typeof spec === 'object' && spec !== null ? (spec as { id?: unknown }).id : undefined;
  return new BackfillError('backfill-invalid-spec', message, { details: { backfill: id, hint } });
}

function isTableRef(x: unknown): x is TableRef {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Record<string, unknown>;
  return (
    typeof t.schema === 'string' && t.schema.length > 0 && typeof t.name === 'string' && t.name.length > 0
  );
}

function checkExpressions(map: unknown, what: string, spec: unknown): asserts map is Record<string, string> {
  const ok =
    typeof map === 'object' &&
    map !== null &&
    !Array.isArray(map) &&
    Object.keys(map).length > 0 &&
    Object.entries(map).every(([k, v]) => k.length > 0 && typeof v === 'string' && v.trim().length > 0);
  if (!ok) {
    throw invalid(
      `Backfill ${what} must map at least one column name to a SQL expression.`,
      `Example: ${what}: { email_address: 'lower(email)' }.`,
      spec,
    );
  }
}

/**
 * Checks the shape of a spec (it may come from JSON or JavaScript, so types are not trusted).
 *
 * @example
 * validateSpec({ id: 'x', mode: 'update', table: { schema: 'public', name: 't' }, set: { a: 'b' } });
 */
export function validateSpec(spec: unknown): asserts spec is BackfillSpec {
  if (typeof spec !== 'object' || spec === null)
    throw invalid('A backfill spec must be an object.', 'See BackfillSpec.', spec);
  const s = spec as Record<string, unknown>;
  if (typeof s.id !== 'string' || s.id.trim().length === 0) {
    throw invalid(
      'A backfill needs a non-empty string id.',
      'The id names its checkpoint; use e.g. "<migration>:<table>".',
      spec,
    );
  }
  if (s.where !== undefined && (typeof s.where !== 'string' || s.where.trim().length === 0)) {
    throw invalid(
      `Backfill ${s.id}: where must be a non-empty SQL condition.`,
      'Omit where to cover every row.',
      spec,
    );
  }
  if (s.mode === 'update') {
    if (!isTableRef(s.table))
      throw invalid(
        `Backfill ${s.id}: table must be { schema, name }.`,
        'e.g. { schema: "public", name: "users" }',
        spec,
      );
    checkExpressions(s.set, 'set', spec);
  } else if (s.mode === 'copy') {
    if (!isTableRef(s.source) || !isTableRef(s.target)) {
      throw invalid(
        `Backfill ${s.id}: source and target must be { schema, name }.`,
        'e.g. { schema: "public", name: "users" }',
        spec,
      );
    }
    checkExpressions(s.columns, 'columns', spec);
  } else {
    throw invalid(
      `Backfill ${s.id}: mode must be 'update' or 'copy', not ${JSON.stringify(s.mode)}.`,
      'See BackfillSpec.',
      spec,
    );
  }
}

async function tableOid(conn: Connection, t: TableRef, spec: BackfillSpec): Promise<number> {
  const res = await conn.query<{ oid: number; relkind: string }>(
    `SELECT c.oid::int AS oid, c.relkind::text AS relkind FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [t.schema, t.name],
  );
  const row = res.rows[0];
  if (!row || !['r', 'p'].includes(row.relkind)) {
    throw invalid(
      `Backfill ${spec.id}: table ${show(t)} does not exist.`,
      'Check the schema and table name (they are case-sensitive).',
      spec,
    );
  }
  return row.oid;
}

async function columns(conn: Connection, oid: number): Promise<Column[]> {
  const res = await conn.query<Column>(
    `SELECT attname AS name, attgenerated <> '' AS generated, attidentity = 'a' AS "identityAlways"
       FROM pg_catalog.pg_attribute
      WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [oid],
  );
  return res.rows;
}

async function primaryKey(conn: Connection, oid: number): Promise<string[]> {
  const res = await conn.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_catalog.pg_index i
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1 AND i.indisprimary ORDER BY k.ord`,
    [oid],
  );
  return res.rows.map((r) => r.name);
}

function checkWritable(
  spec: BackfillSpec,
  t: TableRef,
  cols: Column[],
  names: string[],
  key: string[] | null,
): void {
  for (const name of names) {
    const col = cols.find((c) => c.name === name);
    if (!col) {
      throw invalid(
        `Backfill ${spec.id}: column ${name} does not exist in ${show(t)}.`,
        `Columns of ${show(t)}: ${cols.map((c) => c.name).join(', ')}.`,
        spec,
      );
    }
    if (col.generated || (col.identityAlways && spec.mode === 'update')) {
      throw invalid(
        `Backfill ${spec.id}: column ${name} of ${show(t)} is generated and cannot be written.`,
        'Backfill another column.',
        spec,
      );
    }
    if (key?.includes(name)) {
      throw invalid(
        `Backfill ${spec.id}: column ${name} is part of the primary key of ${show(t)}, which the backfill walks; it cannot change it.`,
        'Backfill a new column, then swap it in with an online operation.',
        spec,
      );
    }
  }
}

/**
 * Validates a spec against the catalog and finds the primary key to walk.
 *
 * @example
 * const resolved = await resolveSpec(conn, spec); // resolved.keyColumns → ['id']
 */
export async function resolveSpec(conn: Connection, spec: unknown): Promise<ResolvedSpec> {
  validateSpec(spec);
  const keyTable = spec.mode === 'update' ? spec.table : spec.source;
  const oid = await tableOid(conn, keyTable, spec);
  const key = await primaryKey(conn, oid);
  if (key.length === 0) {
    throw new BackfillError(
      'backfill-no-primary-key',
      `Backfill ${spec.id}: table ${show(keyTable)} has no primary key; the backfill walks rows in primary key order.`,
      {
        details: {
          backfill: spec.id,
          hint: `Add one without blocking writes: CREATE UNIQUE INDEX CONCURRENTLY ${keyTable.name}_pkey ON ${show(keyTable)} (id); then ALTER TABLE ${show(keyTable)} ADD PRIMARY KEY USING INDEX ${keyTable.name}_pkey.`,
        },
      },
    );
  }
  if (spec.mode === 'update') {
    checkWritable(spec, keyTable, await columns(conn, oid), Object.keys(spec.set), key);
  } else {
    const targetOid = await tableOid(conn, spec.target, spec);
    if (targetOid === oid)
      throw invalid(
        `Backfill ${spec.id}: source and target are the same table.`,
        'Use mode "update" instead.',
        spec,
      );
    checkWritable(spec, spec.target, await columns(conn, targetOid), Object.keys(spec.columns), null);
  }
  return { spec, keyTable, keyColumns: key };
}
