/**
 * Whether a migration must run outside a transaction although every statement could run in one:
 * PostgreSQL refuses to use an enum label in the transaction that added it ("unsafe use of new
 * value"), so a diff that adds a label and then uses it (a default, a check, a view) runs
 * statement by statement, each committed before the next.
 */
import type { Operation } from '../../operations/types.js';
import { postgresQuoting } from '../../sql/tag.js';

/**
 * The labels added by `addEnumValue` that a later operation names as a literal (`'ok'`).
 *
 * @example
 * labelsUsedAfterAdding([addEnumValue('mood', 'ok'), alterColumn('users', 'mood', { default: { sql: "'ok'::mood" } })]) // ['ok']
 */
export function labelsUsedAfterAdding(ops: readonly Operation[]): string[] {
  const out: string[] = [];
  ops.forEach((op, i) => {
    if (op.kind !== 'addEnumValue') return;
    const literal = postgresQuoting.literal(op.value);
    if (
      ops.slice(i + 1).some((later) => JSON.stringify(later).includes(JSON.stringify(literal).slice(1, -1)))
    )
      out.push(op.value);
  });
  return out;
}
