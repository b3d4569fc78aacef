/**
 * The PostgreSQL parser (libpg-query, WebAssembly), loaded once and lazily: only commands that
 * lint or plan pay for it. Positions the parser reports are UTF-8 byte offsets; everything
 * leaving this module is in string (UTF-16) indexes.
 */
import type { Node, ParseResult } from 'libpg-query';

type ParseSync = (query: string) => ParseResult;

let parseSyncFn: ParseSync | null = null;
let loading: Promise<void> | null = null;

/**
 * Loads the WebAssembly parser (idempotent, concurrent calls share one load).
 *
 * @example
 * await loadParser(); const r = parseOne('SELECT 1');
 */
export function loadParser(): Promise<void> {
  if (parseSyncFn) return Promise.resolve();
  loading ??= import('libpg-query').then(async (mod) => {
    await mod.loadModule();
    parseSyncFn = mod.parseSync as ParseSync;
  });
  return loading;
}

/**
 * True once {@link loadParser} has finished.
 *
 * @example
 * if (!parserLoaded()) await loadParser();
 */
export function parserLoaded(): boolean {
  return parseSyncFn !== null;
}

/** One statement of a parse, with its span in the parsed text (string indexes). */
export interface ParsedStmt {
  node: Node;
  /** Index of the statement's first character in the parsed text. */
  start: number;
  /** Index just past the statement's last character. */
  end: number;
}

/** A parse: the statements with a byte-to-index mapper, or the parser's error at a string index. */
export type ParseOutcome =
  | { ok: true; stmts: ParsedStmt[]; toIndex: (byteOffset: number) => number }
  | { ok: false; message: string; index: number };

/**
 * Parses SQL text (one statement, or several) synchronously. Needs {@link loadParser} first.
 *
 * @example
 * const r = parseSql('ALTER TABLE t DROP COLUMN c');
 * if (r.ok) console.log(Object.keys(r.stmts[0].node)[0]); // AlterTableStmt
 */
export function parseSql(sql: string): ParseOutcome {
  if (!parseSyncFn) throw new Error('The SQL parser is not loaded: await loadParser() first.');
  const toIndex = byteToIndexMapper(sql);
  let result: ParseResult;
  try {
    result = parseSyncFn(sql);
  } catch (error) {
    const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const message = details?.message ?? (error instanceof Error ? error.message : String(error));
    const cursor = details?.cursorPosition;
    return { ok: false, message, index: typeof cursor === 'number' && cursor >= 0 ? toIndex(cursor) : 0 };
  }
  const stmts: ParsedStmt[] = [];
  for (const raw of result.stmts ?? []) {
    if (!raw.stmt) continue;
    const startByte = raw.stmt_location ?? 0;
    const start = toIndex(startByte);
    const end = raw.stmt_len ? toIndex(startByte + raw.stmt_len) : sql.length;
    stmts.push({ node: raw.stmt, start: skipSpace(sql, start), end });
  }
  return { ok: true, stmts, toIndex };
}

function skipSpace(text: string, index: number): number {
  let i = index;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\t' || text[i] === '\r'))
    i++;
  return i;
}

/** Maps UTF-8 byte offsets to UTF-16 indexes; the identity for ASCII text (the common case). */
export function byteToIndexMapper(text: string): (byteOffset: number) => number {
  if (Buffer.byteLength(text, 'utf8') === text.length)
    return (byteOffset) => Math.min(byteOffset, text.length);
  const byteAt: number[] = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    byteAt.push(bytes);
    const code = text.codePointAt(i) ?? 0;
    if (code > 0xffff) {
      byteAt.push(bytes);
      bytes += 4;
      i++;
    } else bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
  }
  byteAt.push(bytes);
  return (byteOffset) => {
    let lo = 0;
    let hi = byteAt.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((byteAt[mid] ?? 0) <= byteOffset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

/**
 * Parses several statements in one call to the parser (much of a parse's cost is per call) and
 * splits the result back per input, with locations relative to each input. Returns null when the
 * batch does not parse or does not split back one-to-one (a syntax error, an input holding two
 * statements): the caller then parses the inputs one by one, for exact errors.
 *
 * @example
 * const outcomes = parseBatch(['CREATE TABLE t (a int)', 'DROP TABLE t']) ?? inputs.map(parseSql);
 */
export function parseBatch(sqls: readonly string[]): ParseOutcome[] | null {
  if (!parseSyncFn) throw new Error('The SQL parser is not loaded: await loadParser() first.');
  // A newline before each `;` so a trailing `-- comment` cannot swallow it.
  const starts: number[] = [];
  let text = '';
  for (const sql of sqls) {
    starts.push(text.length);
    text += `${sql}\n;\n`;
  }
  let result: ParseResult;
  try {
    result = parseSyncFn(text);
  } catch {
    return null; // parsed again one by one, where the error gets its exact position
  }
  const toIndex = byteToIndexMapper(text);
  const raws = result.stmts ?? [];
  if (raws.length !== sqls.length) return null;
  const out: ParseOutcome[] = [];
  for (let k = 0; k < sqls.length; k++) {
    const raw = raws[k];
    const base = starts[k] ?? 0;
    const sql = sqls[k] ?? '';
    if (!raw?.stmt) return null;
    const startByte = raw.stmt_location ?? 0;
    // A statement's location is just after the previous `;`: the separator's newline (-1) is fine.
    const start = Math.max(0, toIndex(startByte) - base);
    if (toIndex(startByte) - base < -1 || start > sql.length) return null;
    const end = raw.stmt_len ? Math.min(toIndex(startByte + raw.stmt_len) - base, sql.length) : sql.length;
    out.push({
      ok: true,
      stmts: [{ node: raw.stmt, start: skipSpace(sql, start), end }],
      toIndex: (b) => toIndex(b) - base,
    });
  }
  return out;
}
