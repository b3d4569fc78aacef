/**
 * `setNotNull`: an alterColumn that adds NOT NULL. The copy of the column carries a `NOT VALID`
 * check at once (new rows), `up` replaces the NULLs the old version writes, and `complete` validates
 * the check and turns it into a real NOT NULL without a second scan.
 */
import type { AlterColumnOp } from '../types.js';

/**
 * @example
 * op.setNotNull('users', 'phone', { up: "coalesce(phone, '')" })
 */
export function setNotNull(
  table: string,
  column: string,
  options: { up?: string; down?: string } = {},
): AlterColumnOp {
  return {
    kind: 'alterColumn',
    table,
    column,
    changes: { notNull: true, up: options.up, down: options.down },
  };
}
