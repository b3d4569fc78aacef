/**
 * Splits PostgreSQL script text into statements, reporting where each one starts.
 *
 * This is a lexer, not a parser: it only knows enough of PostgreSQL's lexical rules (strings,
 * quoted identifiers, dollar quotes, nested comments, parentheses and `BEGIN ATOMIC` bodies) to find
 * the semicolons that end statements. That is also what psql does, and it keeps the scan linear.
 * Plain `'...'` strings follow `standard_conforming_strings = on` (the default since 9.1).
 */
import { MigrationFileError } from '../errors.js';
import type { SqlStatement } from '../migrations/types.js';

/** Where `source` sits in its file, so positions are reported as file positions. */
export interface SplitOptions {
  /** 1-based line number of the first character of `source` in its file (default 1). */
  startLine?: number;
  /** 0-based character offset of `source` in its file (default 0). */
  startOffset?: number;
  /** File name for error messages and `details.file`. */
  file?: string;
}

const TAB = 9;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const DOLLAR = 36;
const SQUOTE = 39;
const LPAREN = 40;
const RPAREN = 41;
const STAR = 42;
const DASH = 45;
const SLASH = 47;
const SEMI = 59;
const BACKSLASH = 92;

// Character classes of ASCII as bit flags in one table: loops test a flag instead of calling a
// function per character, which matters before V8 has optimized the scanner.
const SPACE_F = 1; // space, \t, \n, \v, \f, \r: PostgreSQL's `space` class
const START_F = 2; // letter or `_`: starts an identifier
const IDENT_F = 4; // continues an identifier: letters, digits, `_` and `$` (so `foo$$` is one word)
const DIGIT_F = 8;
const FLAGS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  const digit = c >= 48 && c <= 57;
  FLAGS[c] =
    (c === SPACE || (c >= TAB && c <= CR) ? SPACE_F : 0) |
    (letter ? START_F | IDENT_F : 0) |
    (digit ? DIGIT_F | IDENT_F : 0) |
    (c === DOLLAR ? IDENT_F : 0);
}

/**
 * Tests a flag of a char code. Non-ASCII characters are letters in PostgreSQL identifiers; past the
 * end `charCodeAt` gives NaN, which has no flag (`FLAGS[NaN]` is undefined, and `undefined & f` is 0).
 */
function has(c: number, flag: number): boolean {
  return c >= 128 ? (flag & (SPACE_F | DIGIT_F)) === 0 : (FLAGS[c]! & flag) !== 0;
}

/** Index just past a quote-delimited token whose quote is escaped by doubling it, or -1. */
function skipDoubled(src: string, open: number, quote: string): number {
  let i = open + 1;
  for (;;) {
    const j = src.indexOf(quote, i);
    if (j === -1) return -1;
    if (src[j + 1] !== quote) return j + 1;
    i = j + 2;
  }
}

/** Index just past an `E'...'` body (`open` is the quote), where backslash escapes anything, or -1. */
function skipEscapeString(src: string, open: number): number {
  const n = src.length;
  let i = open + 1;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === SQUOTE) {
      if (src.charCodeAt(i + 1) !== SQUOTE) return i + 1;
      i += 2;
    } else i++;
  }
  return -1;
}

/** Index just past a block comment, counting nested `/* ... *\/` pairs as PostgreSQL does, or -1. */
function skipBlockComment(src: string, open: number): number {
  let depth = 1;
  let i = open + 2;
  for (;;) {
    const close = src.indexOf('*/', i);
    if (close === -1) return -1;
    const nested = src.indexOf('/*', i);
    if (nested !== -1 && nested < close) {
      depth++;
      i = nested + 2;
    } else {
      i = close + 2;
      if (--depth === 0) return i;
    }
  }
}

const LINE_END = /[\n\r]/g;

/** Index of the line end (`\n` or `\r`, as PostgreSQL ends `--` comments) after `from`, or the length. */
function lineEnd(src: string, from: number): number {
  LINE_END.lastIndex = from;
  return LINE_END.test(src) ? LINE_END.lastIndex - 1 : src.length;
}

/** The dollar-quote tag (`$$`, `$body$`) opening at `pos`, or null when `$` starts something else. */
function dollarTagAt(src: string, pos: number): string | null {
  let i = pos + 1;
  // A tag is an identifier without `$` and not starting with a digit: `$1` is a parameter.
  if (has(src.charCodeAt(i), START_F)) {
    i++;
    for (let c = src.charCodeAt(i); c !== DOLLAR && has(c, IDENT_F); c = src.charCodeAt(++i));
  }
  return src.charCodeAt(i) === DOLLAR ? src.slice(pos, i + 1) : null;
}

/**
 * True when the statement at `pos` begins `CREATE [OR REPLACE] FUNCTION|PROCEDURE` (comments allowed
 * between the words): only those can have a `BEGIN ATOMIC ... END` body.
 */
function isRoutineHead(src: string, pos: number): boolean {
  if ((src.charCodeAt(pos) | 32) !== 99) return false; // not `c`: most statements stop here
  let i = pos;
  let k = 0; // index of the next word
  for (;;) {
    const c = src.charCodeAt(i);
    const next = src.charCodeAt(i + 1);
    if (has(c, SPACE_F)) i++;
    else if (c === DASH && next === DASH) i = lineEnd(src, i);
    else if (c === SLASH && next === STAR) {
      i = skipBlockComment(src, i);
      if (i === -1) return false; // reported by the main scan
    } else {
      if (!has(c, START_F)) return false;
      const s = i;
      for (i++; has(src.charCodeAt(i), IDENT_F); i++);
      const word = src.slice(s, i).toLowerCase();
      const routine = word === 'function' || word === 'procedure';
      if (k === 0 || k === 2) {
        if (word !== (k === 0 ? 'create' : 'replace')) return false;
      } else if (routine) return true;
      else if (k === 3 || word !== 'or') return false;
      k++;
    }
  }
}

/** Turns offsets into 1-based line/column, scanning forward only once over the source. */
class LineCursor {
  private pos = 0;
  private line: number;
  private lineStart = 0;

  constructor(
    private readonly src: string,
    private readonly firstLine: number,
  ) {
    this.line = firstLine;
  }

  at(target: number): { line: number; column: number } {
    if (target < this.pos) {
      this.pos = 0;
      this.line = this.firstLine;
      this.lineStart = 0;
    }
    let nl = this.src.indexOf('\n', this.pos);
    while (nl !== -1 && nl < target) {
      this.line++;
      this.lineStart = nl + 1;
      nl = this.src.indexOf('\n', nl + 1);
    }
    this.pos = target;
    return { line: this.line, column: target - this.lineStart + 1 };
  }
}

const HINT = {
  string: "Close the string with a single quote; write a quote inside a string as ''.",
  escape:
    "Close the string with a single quote; inside E'...' a backslash escapes the next character, so \\' does not end it.",
  ident: 'Close the identifier with a double quote; write a double quote inside it as "".',
  comment: 'Close it with */; block comments nest in PostgreSQL, so every /* needs its own */.',
} as const;

// The characters that can change the scanner's state. Everything between two of them (words,
// numbers, operators, whitespace) is skipped by the regex engine: that keeps even a cold scan, before
// V8 has optimized this code, at tens of megabytes a second.
const SPECIAL = /['"$;()\-/]/g;
// Inside CREATE FUNCTION/PROCEDURE the words matter too (BEGIN ATOMIC ... END), and numbers are
// matched whole so that `1e5` is not read as a word `e5`.
const SPECIAL_OR_WORD = /['"$;()\-/]|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|\d[\w.]*/g;

/**
 * Splits PostgreSQL SQL text into statements, each with the line, column and offset of its first
 * token and the comments that precede it. Semicolons inside strings, quoted identifiers, dollar
 * quotes, comments, parentheses (`CREATE RULE ... DO (a; b)`) and `BEGIN ATOMIC ... END` function
 * bodies do not split. Throws {@link MigrationFileError} on an unterminated string, quoted identifier,
 * dollar quote or block comment, with the position where it opened.
 *
 * Columns on the first line of `source` count from the start of `source`.
 *
 * @example
 * splitStatements("-- note\nSELECT ';';\nSELECT 2", { startLine: 10 })
 * // [ { sql: "SELECT ';'", line: 11, column: 1, offset: 8, leadingComments: ['-- note'] },
 * //   { sql: 'SELECT 2', line: 12, column: 1, offset: 20, leadingComments: [] } ]
 */
export function splitStatements(source: string, options: SplitOptions = {}): SqlStatement[] {
  const startOffset = options.startOffset ?? 0;
  const cursor = new LineCursor(source, options.startLine ?? 1);
  const n = source.length;
  const out: SqlStatement[] = [];

  let start = -1; // first token of the current statement, -1 between statements
  let lastEnd = -1; // end of the current statement's last token (comments excluded)
  let comments: string[] = [];
  let parens = 0;
  // End of the last quoted token or comment: an identifier cannot continue across it, which is how
  // `E'`, `foo$$` and `$a$..$a$$b$` are told apart by looking back one or two characters.
  let boundary = 0;
  // SQL-standard routine bodies, like psql's heuristic but requiring `BEGIN ATOMIC`, so a column or
  // function named `begin` cannot open a block.
  let routine = false; // the statement is CREATE [OR REPLACE] FUNCTION|PROCEDURE
  let atomic = 0; // depth of BEGIN ATOMIC / CASE / BEGIN ... END
  let afterBegin = false; // the previous token was `begin`, maybe followed by `atomic`
  let bodyStart = false; // the next token starts a statement inside the atomic body

  const fail = (what: string, at: number, hint: string): never => {
    const { line, column } = cursor.at(at);
    const where = options.file ? `${options.file}:${line}:${column}` : `line ${line}, column ${column}`;
    throw new MigrationFileError(`Unterminated ${what} starting at ${where}`, {
      details: { ...(options.file ? { file: options.file } : {}), line, column, hint },
    });
  };

  /** End of the comment at `at`, or -1 when there is none. */
  const commentEnd = (at: number): number => {
    const c = source.charCodeAt(at);
    const next = source.charCodeAt(at + 1);
    if (c === DASH && next === DASH) return lineEnd(source, at);
    if (c !== SLASH || next !== STAR) return -1;
    const end = skipBlockComment(source, at);
    return end === -1 ? fail('block comment', at, HINT.comment) : end;
  };

  const emit = (end: number): void => {
    const { line, column } = cursor.at(start);
    const sql = source.slice(start, end).trimEnd();
    out.push({ sql, line, column, offset: startOffset + start, leadingComments: comments });
    start = -1;
    comments = [];
    parens = 0;
    routine = false;
    atomic = 0;
    afterBegin = false;
    bodyStart = false;
  };

  let i = 0;
  while (i < n) {
    if (start === -1) {
      // Between statements: whitespace, empty `;`, and comments, which lead the next statement.
      const c = source.charCodeAt(i);
      if ((FLAGS[c]! & SPACE_F) !== 0 || c === SEMI) {
        i++;
        continue;
      }
      const end = commentEnd(i);
      if (end !== -1) {
        comments.push(source.slice(i, end));
        i = boundary = end;
        continue;
      }
      start = i;
      routine = isRoutineHead(source, i);
    }

    // Jump to the next character that can change the state; the regex engine skips the rest.
    // (`test` rather than `exec` where the match text is not needed: no allocation per token.)
    let j = n;
    let word = 0; // length of a word or number matched inside CREATE FUNCTION/PROCEDURE
    if (routine) {
      SPECIAL_OR_WORD.lastIndex = i;
      const match = SPECIAL_OR_WORD.exec(source);
      if (match !== null) {
        j = match.index;
        const f = source.charCodeAt(j);
        if (f >= 128 || (FLAGS[f]! & (START_F | DIGIT_F)) !== 0) word = match[0].length;
      }
    } else {
      SPECIAL.lastIndex = i;
      if (SPECIAL.test(source)) j = SPECIAL.lastIndex - 1;
    }
    if (j > i) {
      let k = j;
      while (k > i && (FLAGS[source.charCodeAt(k - 1)]! & SPACE_F) !== 0) k--;
      if (k > i) {
        lastEnd = k;
        afterBegin = false;
        bodyStart = false;
      }
    }
    if (j === n) break;
    i = j;
    const c = source.charCodeAt(i);
    const wasAfterBegin = afterBegin;
    const wasBodyStart = bodyStart;

    if (word > 0) {
      afterBegin = false;
      bodyStart = false;
      if (word >= 3 && word <= 6) {
        const w = source.slice(i, i + word).toLowerCase();
        if (atomic > 0) {
          if (w === 'case' || (w === 'begin' && wasBodyStart)) atomic++;
          else if (w === 'end') atomic--;
        } else if (parens === 0) {
          if (w === 'begin') afterBegin = true;
          else if (w === 'atomic' && wasAfterBegin) {
            atomic = 1;
            bodyStart = true;
          }
        }
      }
      i = lastEnd = i + word;
      continue;
    }

    const end = commentEnd(i);
    if (end !== -1) {
      i = boundary = end; // a comment inside a statement stays in its text
      continue;
    }
    if (c === SEMI && parens === 0 && atomic === 0) {
      emit(i);
      i++;
      continue;
    }
    afterBegin = false;
    bodyStart = false;
    if (c === SQUOTE) {
      // E'...' is the only string form where a backslash can hide a quote; the E must start a token.
      const e = source.charCodeAt(i - 1);
      const escapes =
        (e === 69 || e === 101) &&
        i - 1 >= boundary &&
        (i - 2 < boundary || !has(source.charCodeAt(i - 2), IDENT_F));
      const close = escapes ? skipEscapeString(source, i) : skipDoubled(source, i, "'");
      if (close === -1) {
        if (escapes) fail("escape string (E'...')", i - 1, HINT.escape);
        fail('quoted string', i, HINT.string);
      }
      i = boundary = close;
    } else if (c === DQUOTE) {
      const close = skipDoubled(source, i, '"');
      if (close === -1) fail('quoted identifier', i, HINT.ident);
      i = boundary = close;
    } else if (c === DOLLAR) {
      const tag = dollarTagAt(source, i);
      if (tag === null || (i - 1 >= boundary && has(source.charCodeAt(i - 1), IDENT_F))) {
        i++; // `$1`, or a `$` inside an identifier such as `foo$$`
      } else {
        const close = source.indexOf(tag, i + tag.length);
        if (close === -1) {
          const hint = `Add the closing ${tag}; it must match the opening tag exactly, including case.`;
          fail(`dollar-quoted string ${tag}`, i, hint);
        }
        i = boundary = close + tag.length;
      }
    } else {
      if (c === LPAREN) parens++;
      else if (c === RPAREN && parens > 0) parens--;
      else if (c === SEMI && atomic > 0 && parens === 0) bodyStart = true;
      i++;
    }
    lastEnd = i;
  }
  if (start !== -1) emit(lastEnd);
  return out;
}
