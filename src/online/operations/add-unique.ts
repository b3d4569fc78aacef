/**
 * `addUnique`: a unique index built CONCURRENTLY during `start` (it enforces uniqueness for both
 * versions from then on), attached as a constraint at `complete` (`ADD CONSTRAINT … USING INDEX`,
 * catalog-only).
 */
import { POSTGRES_MAX_IDENTIFIER_BYTES } from '../../dialects/postgres/dialect.js';
import { addUnique as typedAddUnique } from '../../operations/add-unique.js';
import { formatName } from '../../operations/names.js';
import { operationDefinitions } from '../../operations/registry.js';
import type { TableRef } from '../../operations/types.js';
import { subject } from '../../operations/validate.js';
import { ident, join, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import type { OnlineAddUnique } from '../types.js';
import { checkIndexColumns, planIndex, refuseOldIndexCall } from './add-index.js';
import { checkOptions } from './common.js';

/**
 * Builds an online `addUnique`: the arguments of `db.addUnique` (default name `users_email_key`).
 *
 * @example
 * op.addUnique('users', ['email'])
 */
export function addUnique(
  table: TableRef,
  columns: string | string[],
  options: { name?: string } = {},
): OnlineAddUnique {
  refuseOldIndexCall('addUnique', columns);
  return typedAddUnique(table, columns, options, POSTGRES_MAX_IDENTIFIER_BYTES);
}

/** The online `addUnique`: its checks, its planning and its phase hooks (see the file's comment). */
export const addUniqueHandler: OperationHandler<OnlineAddUnique, { table: string; columns: string[] }> = {
  kind: 'addUnique',
  describe: (op) => `addUnique ${op.name} on ${formatName(op.table)}`,
  check(op) {
    const s = subject(op.kind, op.table, op.name);
    checkOptions(s, null, op, ['table', 'name', 'columns']);
    checkIndexColumns(s, op.columns);
    operationDefinitions.addUnique.validate(op);
  },
  plan: (op, model) => planIndex(model, op),
  async build(op, resolved, phase) {
    const cols = join(resolved.columns.map((c) => ident(c)));
    await phase.buildIndex(
      op.name,
      sql`CREATE UNIQUE INDEX CONCURRENTLY ${ident(op.name)} ON ${ident(phase.plan.schema, resolved.table)} (${cols})`,
    );
  },
  async contract(op, resolved, phase) {
    if (await phase.constraint(resolved.table, op.name)) return;
    const name = ident(op.name);
    await phase.exec(
      sql`ALTER TABLE ${ident(phase.plan.schema, resolved.table)} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name}`,
    );
  },
  async unbuild(op, _resolved, phase) {
    await phase.exec(sql`DROP INDEX CONCURRENTLY IF EXISTS ${ident(phase.plan.schema, op.name)}`);
  },
};
