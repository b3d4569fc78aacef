import type { Finding } from '../types.js';
import { counts, type FormatOptions } from './options.js';

/**
 * Machine output: `{ findings, errors, warnings }`, findings as {@link Finding} objects.
 *
 * @example
 * JSON.parse(formatJson(findings)).errors // 2
 */
export function formatJson(findings: readonly Finding[], _options: FormatOptions = {}): string {
  return `${JSON.stringify({ findings, ...counts(findings) }, null, 2)}\n`;
}
