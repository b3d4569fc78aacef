/**
 * Checks a spec against the catalog before anything is written: the tables exist, the columns
 * exist and are writable, the walked table has a primary key. The catalog is read by the dialect
 * ({@link BackfillDialect.describeTable}); the checks are the same on every database.
 */
import type { Connection } from '../../dialects/dialect.js';
import type { BackfillDialect, ColumnFacts, TableFacts } from './dialect.js';
import { BackfillError } from './errors.js';
import { backfillDialect } from './settings.js';
import type { BackfillSpec, ResolvedSpec, TableRef } from './types.js';

const show = (table: TableRef) => `${table.schema}.${table.name}`;

function invalid(message: string, hint: string, spec: unknown): BackfillError {
  const id = typeof spec === 'object' && spec !== null ? (spec as { id?: unknown }).id : undefined;
  return new BackfillError('backfill-invalid-spec', message, { details: { backfill: id, hint } });
}

function isTableRef(value: unknown): value is TableRef {
  if (typeof value !== 'object' || value === null) return false;
  const ref = value as Record<string, unknown>;
  return (
    typeof ref.schema === 'string' &&
    ref.schema.length > 0 &&
    typeof ref.name === 'string' &&
    ref.name.length > 0
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
  const fields = spec as Record<string, unknown>;
  if (typeof fields.id !== 'string' || fields.id.trim().length === 0) {
    throw invalid(
      'A backfill needs a non-empty string id.',
      'The id names its checkpoint; use e.g. "<migration>:<table>".',
      spec,
    );
  }
  if (fields.where !== undefined && (typeof fields.where !== 'string' || fields.where.trim().length === 0)) {
    throw invalid(
      `Backfill ${fields.id}: where must be a non-empty SQL condition.`,
      'Omit where to cover every row.',
      spec,
    );
  }
  if (fields.mode === 'update') {
    if (!isTableRef(fields.table))
      throw invalid(
        `Backfill ${fields.id}: table must be { schema, name }.`,
        'e.g. { schema: "public", name: "users" }',
        spec,
      );
    checkExpressions(fields.set, 'set', spec);
  } else if (fields.mode === 'copy') {
    if (!isTableRef(fields.source) || !isTableRef(fields.target)) {
      throw invalid(
        `Backfill ${fields.id}: source and target must be { schema, name }.`,
        'e.g. { schema: "public", name: "users" }',
        spec,
      );
    }
    checkExpressions(fields.columns, 'columns', spec);
  } else {
    throw invalid(
      `Backfill ${fields.id}: mode must be 'update' or 'copy', not ${JSON.stringify(fields.mode)}.`,
      'See BackfillSpec.',
      spec,
    );
  }
}

async function describe(
  conn: Connection,
  dialect: BackfillDialect,
  table: TableRef,
  spec: BackfillSpec,
): Promise<TableFacts> {
  const facts = await dialect.describeTable(conn, table);
  if (!facts) {
    throw invalid(
      `Backfill ${spec.id}: table ${show(table)} does not exist.`,
      'Check the schema and table name (they are case-sensitive).',
      spec,
    );
  }
  return facts;
}

function checkWritable(
  spec: BackfillSpec,
  table: TableRef,
  columns: ColumnFacts[],
  names: string[],
  key: string[] | null,
): void {
  for (const name of names) {
    const column = columns.find((c) => c.name === name);
    if (!column) {
      throw invalid(
        `Backfill ${spec.id}: column ${name} does not exist in ${show(table)}.`,
        `Columns of ${show(table)}: ${columns.map((c) => c.name).join(', ')}.`,
        spec,
      );
    }
    if (column.generated || (column.identityAlways && spec.mode === 'update')) {
      throw invalid(
        `Backfill ${spec.id}: column ${name} of ${show(table)} is generated and cannot be written.`,
        'Backfill another column.',
        spec,
      );
    }
    if (key?.includes(name)) {
      throw invalid(
        `Backfill ${spec.id}: column ${name} is part of the primary key of ${show(table)}, which the backfill walks; it cannot change it.`,
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
export async function resolveSpec(
  conn: Connection,
  spec: unknown,
  dialect: BackfillDialect = backfillDialect({}),
): Promise<ResolvedSpec> {
  validateSpec(spec);
  const keyTable = spec.mode === 'update' ? spec.table : spec.source;
  const walked = await describe(conn, dialect, keyTable, spec);
  const key = walked.primaryKey;
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
    checkWritable(spec, keyTable, walked.columns, Object.keys(spec.set), key);
  } else {
    const target = await describe(conn, dialect, spec.target, spec);
    if (target.id === walked.id)
      throw invalid(
        `Backfill ${spec.id}: source and target are the same table.`,
        'Use mode "update" instead.',
        spec,
      );
    checkWritable(spec, spec.target, target.columns, Object.keys(spec.columns), null);
  }
  return { spec, keyTable, keyColumns: key };
}
