/**
 * Lock modes and what they block, following the conflict table of PostgreSQL's "Explicit Locking".
 */
import type { LockInfo, PgLockMode } from './types.js';

/**
 * Lock modes, weakest first.
 *
 * @example
 * LOCK_MODES.at(-1) // 'ACCESS EXCLUSIVE'
 */
export const LOCK_MODES: readonly PgLockMode[] = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];

/**
 * Position of a mode in {@link LOCK_MODES}: a larger number is a stronger lock.
 *
 * @example
 * lockStrength('SHARE') > lockStrength('ROW EXCLUSIVE') // true
 */
export function lockStrength(mode: PgLockMode): number {
  return LOCK_MODES.indexOf(mode);
}

/**
 * What a lock mode stops other sessions from doing.
 *
 * @example
 * blocks('SHARE') // 'writes'
 */
export function blocks(mode: PgLockMode): 'reads and writes' | 'writes' | 'schema changes' | 'nothing' {
  const s = lockStrength(mode);
  if (s >= lockStrength('ACCESS EXCLUSIVE')) return 'reads and writes';
  if (s >= lockStrength('SHARE')) return 'writes';
  if (s >= lockStrength('SHARE UPDATE EXCLUSIVE')) return 'schema changes';
  return 'nothing';
}

/**
 * The lock mode of `LOCK TABLE … IN <mode> MODE` from the parser's numeric mode (1 … 8).
 *
 * @example
 * lockModeFromNumber(8) // 'ACCESS EXCLUSIVE'
 */
export function lockModeFromNumber(n: number | undefined): PgLockMode {
  return LOCK_MODES[(n ?? 8) - 1] ?? 'ACCESS EXCLUSIVE';
}

/**
 * Collects locks, keeping the strongest per relation, in first-seen order.
 *
 * @example
 * const s = new LockSet(); s.add('t', 'SHARE'); s.add('t', 'ACCESS EXCLUSIVE'); s.list() // [{ mode: 'ACCESS EXCLUSIVE', table: 't' }]
 */
export class LockSet {
  private readonly byTable = new Map<string, LockInfo>();

  add(table: string, mode: PgLockMode, isIndex = false): void {
    if (!table) return;
    const key = isIndex ? `index:${table}` : table;
    const prev = this.byTable.get(key);
    if (!prev || lockStrength(mode) > lockStrength(prev.mode)) {
      this.byTable.set(key, isIndex ? { mode, table, isIndex: true } : { mode, table });
    }
  }

  list(): LockInfo[] {
    return [...this.byTable.values()];
  }
}
