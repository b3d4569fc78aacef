/**
 * Name handling shared by every operation: normalizing what the author wrote, printing it, and
 * choosing default constraint and index names the way PostgreSQL does.
 */
import type { QualifiedName, TableRef } from './types.js';

/**
 * Normalizes a table reference: `'app.users'` → `{ schema: 'app', name: 'users' }`.
 *
 * @example
 * toName('users') // { name: 'users' }
 * toName({ schema: 'a.b', name: 'c' }) // kept as is: the object form is for names with dots
 */
export function toName(ref: TableRef): QualifiedName {
  if (typeof ref !== 'string') {
    // Garbage from a JavaScript migration passes through, for validate() to name it.
    if (typeof ref !== 'object' || ref === null) return { name: ref as unknown as string };
    return ref.schema === undefined ? { name: ref.name } : { schema: ref.schema, name: ref.name };
  }
  const dot = ref.indexOf('.');
  if (dot <= 0 || dot === ref.length - 1) return { name: ref };
  return { schema: ref.slice(0, dot), name: ref.slice(dot + 1) };
}

/**
 * A name for messages, plans and lock metadata: `app.users` or `users` (unquoted, for humans).
 *
 * @example
 * formatName({ schema: 'app', name: 'users' }) // 'app.users'
 */
export function formatName(name: QualifiedName): string {
  return name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
}

/**
 * A default object name exactly as PostgreSQL would choose it (`users_email_idx`,
 * `orders_user_id_fkey`): like its `makeObjectName`, the longer of the table part and the columns
 * part is shortened first until the whole fits in `maxBytes` (the dialect's
 * `maxIdentifierLength`: 63 on PostgreSQL).
 *
 * @example
 * defaultName('users', ['email'], 'key', 63) // 'users_email_key'
 */
export function defaultName(
  table: string,
  columns: readonly string[],
  suffix: string,
  maxBytes: number,
): string {
  const bytes = (chars: string[]) => Buffer.byteLength(chars.join(''), 'utf8');
  const tablePart = [...table];
  const columnsPart = [...columns.join('_')];
  const available = maxBytes - (suffix.length + 1) - (columnsPart.length > 0 ? 1 : 0);
  while (bytes(tablePart) + bytes(columnsPart) > available) {
    if (bytes(tablePart) > bytes(columnsPart)) tablePart.pop();
    else columnsPart.pop();
  }
  return [tablePart.join(''), ...(columnsPart.length > 0 ? [columnsPart.join('')] : []), suffix].join('_');
}

/** A table in the same schema as `table` (indexes and constraints live in their table's schema). */
export function sibling(table: QualifiedName, name: string): QualifiedName {
  return table.schema === undefined ? { name } : { schema: table.schema, name };
}
