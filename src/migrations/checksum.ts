/**
 * Checksums of migration files. The text is normalized first so that a checkout with CRLF line
 * endings, a BOM or trailing whitespace does not look like an edited migration.
 */
import { createHash } from 'node:crypto';

/**
 * Normalizes migration text: no BOM, LF line endings, no trailing whitespace on lines or at the end.
 *
 * @example
 * normalizeText('\uFEFFSELECT 1;  \r\n') // 'SELECT 1;'
 */
export function normalizeText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n+$/, '');
}

/**
 * sha256 (hex) of the normalized text.
 *
 * @example
 * checksum('SELECT 1;\n') === checksum('SELECT 1;\r\n') // true
 */
export function checksum(text: string): string {
  return createHash('sha256').update(normalizeText(text)).digest('hex');
}

/** A short hash of one statement, used to recognise finished statements of a resumed migration. */
export function statementHash(sqlText: string): string {
  return createHash('sha256').update(normalizeText(sqlText)).digest('hex').slice(0, 16);
}
