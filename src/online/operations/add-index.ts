/**
 * `addIndex`: built with CREATE INDEX CONCURRENTLY during `start` (after the backfill, so a new
 * column is indexed once), dropped CONCURRENTLY on `abort`. Columns are named as the new version
 * sees them; a crash mid-build leaves an invalid index that the next run drops and rebuilds.
 */
import { POSTGRES_MAX_IDENTIFIER_BYTES } from '../../dialects/postgres/dialect.js';
import { MigrationFileError } from '../../errors.js';
import { type AddIndexOptions, addIndex as typedAddIndex } from '../../operations/add-index.js';
import { formatName } from '../../operations/names.js';
import { operationDefinitions } from '../../operations/registry.js';
import type { TableRef } from '../../operations/types.js';
import { invalid, type Subject, subject } from '../../operations/validate.js';
import { ident, join, raw, sql } from '../../sql/tag.js';
import type { OperationHandler } from '../operation.js';
import type { PlanBuilder } from '../plan.js';
import type { OnlineAddIndex, OnlineAddUnique } from '../types.js';
import { checkOptions } from './common.js';

/** Options of an online `addIndex`: those of `db.addIndex` an index built CONCURRENTLY over columns has. */
export type OnlineAddIndexOptions = Pick<AddIndexOptions, 'name' | 'unique' | 'method' | 'where'>;

/** Refuses the object form of the old online `addUnique`/`createIndex` (`{ name, columns }` second). */
export function refuseOldIndexCall(builder: string, columns: unknown): void {
  if (typeof columns === 'object' && columns !== null && !Array.isArray(columns)) {
    throw new MigrationFileError(
      `op.${builder} takes the table, the columns, then the options, as db.${builder} does.`,
      {
        details: { hint: `Write op.${builder}('users', ['email'], { name: 'users_email_key' }).` },
      },
    );
  }
}

/**
 * Builds an online `addIndex`: the arguments of `db.addIndex` (default name `users_email_idx`).
 *
 * @example
 * op.addIndex('users', ['email_address'], { where: 'deleted_at IS NULL' })
 */
export function addIndex(
  table: TableRef,
  columns: string | string[],
  options: OnlineAddIndexOptions = {},
): OnlineAddIndex {
  refuseOldIndexCall('addIndex', columns);
  return typedAddIndex(table, columns, options, POSTGRES_MAX_IDENTIFIER_BYTES) as OnlineAddIndex;
}

/** Resolves index columns to physical columns and claims the index name. */
export function planIndex(
  model: PlanBuilder,
  op: OnlineAddIndex | OnlineAddUnique,
): { table: string; columns: string[] } {
  const t = model.table(op.table);
  model.claimIndexName(op.name);
  return { table: t.physical, columns: op.columns.map((c) => model.column(t, c).physical) };
}

/** Checks what online index builds share: keys are column names. */
export function checkIndexColumns(s: Subject, columns: unknown): void {
  if (!Array.isArray(columns)) return; // the typed validation names it
  columns.forEach((c, i) => {
    if (typeof c !== 'string')
      invalid(s, `columns[${i}]`, 'must be a column name (an online index is over columns)');
  });
}

/** The online `addIndex`: its checks, its planning and its phase hooks (see the file's comment). */
export const addIndexHandler: OperationHandler<OnlineAddIndex, { table: string; columns: string[] }> = {
  kind: 'addIndex',
  describe: (op) => `addIndex ${op.name} on ${formatName(op.table)}`,
  check(op) {
    const s = subject(op.kind, op.table, op.name || undefined);
    checkOptions(s, null, op, ['table', 'name', 'columns', 'unique', 'method', 'where']);
    checkIndexColumns(s, op.columns);
    operationDefinitions.addIndex.validate(op);
    if (!/^[a-z_]+$/.test(op.method ?? 'btree')) invalid(s, 'method', `names no index method: ${op.method}`);
  },
  plan: (op, model) => planIndex(model, op),
  async build(op, resolved, phase) {
    const unique = raw(op.unique ? 'UNIQUE ' : '');
    const cols = join(resolved.columns.map((c) => ident(c)));
    const where = op.where ? sql` WHERE ${raw(op.where)}` : raw('');
    const create = sql`CREATE ${unique}INDEX CONCURRENTLY ${ident(op.name)} ON ${ident(phase.plan.schema, resolved.table)} USING ${raw(op.method ?? 'btree')} (${cols})${where}`;
    await phase.buildIndex(op.name, create);
  },
  async unbuild(op, _resolved, phase) {
    await phase.exec(sql`DROP INDEX CONCURRENTLY IF EXISTS ${ident(phase.plan.schema, op.name)}`);
  },
};
