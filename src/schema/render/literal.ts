/** JavaScript source for plain data, the way a person writes it (single quotes, bare keys). */

const KEY = /^[A-Za-z_$][\w$]*$/;

/**
 * A string literal: single-quoted, or a template literal when the text spans lines.
 *
 * @example
 * jsString("it's") // 'it\'s'
 */
export function jsString(text: string): string {
  if (text.includes('\n'))
    return `\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r/g, '\\r')}'`;
}

/**
 * Any JSON-shaped value as source; `undefined` fields are left out.
 *
 * @example
 * jsValue({ type: 'text', nullable: false }) // "{ type: 'text', nullable: false }"
 */
export function jsValue(value: unknown): string {
  if (typeof value === 'string') return jsString(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `[${value.map(jsValue).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${KEY.test(k) ? k : jsString(k)}: ${jsValue(v)}`).join(', ')} }`;
  }
  throw new TypeError(`cannot write ${typeof value} as source`);
}
