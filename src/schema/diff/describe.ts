/** One line per change, for plans, prompts and tests. */
import { definitionOf } from '../../operations/registry.js';
import { postgresQuoting, renderInline } from '../../sql/tag.js';
import type { SchemaChange } from './change.js';

/**
 * A change in one line: its phase, what it does (a typed operation's description, a `sql`
 * operation's statement with `⟲ <down>` when it has one) and its hazards.
 *
 * @example
 * describeChange(change) // 'dropTables: drop table app.legacy [deletesData]'
 */
export function describeChange(c: SchemaChange): string {
  const op = c.operation;
  const what =
    op.kind === 'sql'
      ? renderInline(op.statement, postgresQuoting) +
        (op.down === undefined ? '' : ` ⟲ ${renderInline(op.down, postgresQuoting)}`)
      : definitionOf(op).describe(op);
  const hazards = c.hazards.length === 0 ? '' : ` [${c.hazards.map((h) => h.kind).join(', ')}]`;
  return `${c.phase}: ${what}${hazards}`;
}
