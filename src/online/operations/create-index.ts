/**
 * `createIndex`: built with CREATE INDEX CONCURRENTLY during `start` (after the backfill, so a new
 * column is indexed once), dropped CONCURRENTLY on `abort`. Columns are named as the new version
 * sees them; a crash mid-build leaves an invalid index that the next run drops and rebuilds.
 */
import { ident, join, raw, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import { type PlanBuilder, PlanError } from '../plan.js';
import type { CreateIndexOp } from '../types.js';
import { missing } from './common.js';

/**
 * @example
 * op.createIndex('users', { name: 'users_email_idx', columns: ['email_address'] })
 */
export function createIndex(table: string, index: Omit<CreateIndexOp, 'kind' | 'table'>): CreateIndexOp {
  return { kind: 'createIndex', table, ...index };
}

/** Resolves index columns to physical columns and checks the index name is free. */
export function planIndex(
  b: PlanBuilder,
  table: string,
  name: string,
  columns: string[],
): { table: string; columns: string[] } {
  const t = b.table(table);
  for (const info of b.info.values()) {
    if (info.indexes.some((i) => i.name === name) || info.constraints.some((c) => c.name === name)) {
      throw new PlanError(`an index or constraint named "${name}" already exists`);
    }
  }
  return { table: t.physical, columns: columns.map((c) => b.column(t, c).physical) };
}

function checkIndex(op: { table: string; name: string; columns: string[] }): string | null {
  const m = missing({ table: op.table, name: op.name });
  if (m) return m;
  if (!Array.isArray(op.columns) || op.columns.length === 0) return '`columns` must list at least one column';
  return null;
}

export const createIndexHandler: OperationHandler<CreateIndexOp, { table: string; columns: string[] }> = {
  kind: 'createIndex',
  check: (op) =>
    checkIndex(op) ??
    (op.method && !/^[a-z_]+$/.test(op.method) ? `unknown index method ${op.method}` : null),
  plan: (op, b) => planIndex(b, op.table, op.name, op.columns),
  async build(op, r, x) {
    const unique = raw(op.unique ? 'UNIQUE ' : '');
    const cols = join(r.columns.map((c) => ident(c)));
    const where = op.where ? sql` WHERE ${raw(op.where)}` : raw('');
    const create = sql`CREATE ${unique}INDEX CONCURRENTLY ${ident(op.name)} ON ${ident(x.plan.schema, r.table)} USING ${raw(op.method ?? 'btree')} (${cols})${where}`;
    await x.buildIndex(op.name, create);
  },
  async unbuild(op, _r, x) {
    await x.run(sql`DROP INDEX CONCURRENTLY IF EXISTS ${ident(x.plan.schema, op.name)}`);
  },
};

export { checkIndex };
