/**
 * `addUnique`: a unique index built CONCURRENTLY during `start` (it enforces uniqueness for both
 * versions from then on), attached as a constraint at `complete` (`ADD CONSTRAINT … USING INDEX`,
 * catalog-only).
 */
import { ident, join, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import type { AddUniqueOp } from '../types.js';
import { checkIndex, planIndex } from './create-index.js';

/**
 * @example
 * op.addUnique('users', { name: 'users_email_key', columns: ['email'] })
 */
export function addUnique(table: string, constraint: { name: string; columns: string[] }): AddUniqueOp {
  return { kind: 'addUnique', table, ...constraint };
}

export const addUniqueHandler: OperationHandler<AddUniqueOp, { table: string; columns: string[] }> = {
  kind: 'addUnique',
  check: checkIndex,
  plan: (op, b) => planIndex(b, op.table, op.name, op.columns),
  async build(op, r, x) {
    const cols = join(r.columns.map((c) => ident(c)));
    await x.buildIndex(
      op.name,
      sql`CREATE UNIQUE INDEX CONCURRENTLY ${ident(op.name)} ON ${ident(x.plan.schema, r.table)} (${cols})`,
    );
  },
  async contract(op, r, x) {
    if (await x.constraint(r.table, op.name)) return;
    const n = ident(op.name);
    await x.run(
      sql`ALTER TABLE ${ident(x.plan.schema, r.table)} ADD CONSTRAINT ${n} UNIQUE USING INDEX ${n}`,
    );
  },
  async unbuild(op, _r, x) {
    await x.run(sql`DROP INDEX CONCURRENTLY IF EXISTS ${ident(x.plan.schema, op.name)}`);
  },
};
