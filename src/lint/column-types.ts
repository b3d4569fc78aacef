/**
 * Which `ALTER COLUMN … TYPE` changes PostgreSQL makes without rewriting the table: the new type
 * is binary coercible from the old one and the new modifier does not constrain existing values
 * more (see ALTER TABLE's notes in the PostgreSQL docs).
 */
import { serialBaseType } from '../dialects/postgres/serial-types.js';
import type { TypeInfo } from './ast.js';

const ALIASES: Record<string, string> = {
  decimal: 'numeric',
  character: 'bpchar',
};

function base(name: string): string {
  return serialBaseType(name) ?? ALIASES[name] ?? name;
}

// Types whose only modifier is a maximum (length or precision): a larger or absent modifier is free.
const WIDENABLE = new Set(['varchar', 'varbit', 'timestamp', 'timestamptz', 'time', 'timetz', 'interval']);

/**
 * True when changing a column from `from` to `to` needs no table rewrite.
 *
 * @example
 * isSafeTypeChange(varchar(10), text) // true
 * isSafeTypeChange(int4, int8)        // false (rewrite)
 */
export function isSafeTypeChange(from: TypeInfo, to: TypeInfo): boolean {
  if (from.array !== to.array || from.userSchema || to.userSchema) return false;
  const a = base(from.name);
  const b = base(to.name);
  const sameMods = from.mods.length === to.mods.length && from.mods.every((m, i) => to.mods[i] === m);
  if (a === b && sameMods) return true;
  if (a === b && WIDENABLE.has(a)) {
    if (to.mods.length === 0) return true;
    return from.mods.length > 0 && (to.mods[0] ?? 0) >= (from.mods[0] ?? 0);
  }
  if (a === 'numeric' && b === 'numeric') {
    if (to.mods.length === 0) return true;
    if (from.mods.length === 0) return false;
    // Same scale, larger or equal precision.
    return (from.mods[1] ?? 0) === (to.mods[1] ?? 0) && (to.mods[0] ?? 0) >= (from.mods[0] ?? 0);
  }
  if (a === 'varchar' && b === 'text') return true;
  if (a === 'text' && b === 'varchar' && to.mods.length === 0) return true;
  if (a === 'cidr' && b === 'inet') return true;
  return false;
}
