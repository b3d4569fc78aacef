/**
 * Ignore directives, written as comments:
 *
 *   -- sluice-ignore <rule-id>[, <rule-id>…]: <reason>      the next statement
 *   -- sluice-ignore-file <rule-id>[, <rule-id>…]: <reason> the whole file
 *
 * The reason is required. squawk's own comments are honoured too, so a squawk user's files keep
 * working: `-- squawk-ignore <rule>[, <rule>…]` and `-- squawk-ignore-file [<rule>…]` (no rule: every
 * rule in the file), with an optional reason after `--`. Directives are read from each
 * statement's leading comments (line or block comments); a file-wide one may sit before any statement.
 */
import type { LintContext, LintStatementInput } from './types.js';

/** One parsed ignore directive. */
export interface IgnoreDirective {
  scope: 'statement' | 'file';
  /** Which tool's spelling: squawk's needs no reason, and may name no rule (then: every rule). */
  form: 'sluice' | 'squawk';
  /** Rule ids as written. */
  rules: string[];
  /** The reason after the colon, trimmed ('' when missing). */
  reason: string;
  /** Index of the statement whose leading comments hold the directive. */
  statementIndex: number;
  line: number;
  column: number;
  /** Rule names, as written, that suppressed at least one finding ('*' for a squawk ignore of every rule). */
  used: Set<string>;
}

function commentLines(comment: string): string[] {
  const t = comment.trim();
  if (t.startsWith('--')) return [t.slice(2)];
  if (t.startsWith('/*')) {
    const inner = t.slice(2, t.endsWith('*/') ? -2 : undefined);
    return inner.split('\n').map((l) => {
      const s = l.trim();
      return s.startsWith('*') ? s.slice(1) : s;
    });
  }
  return [t];
}

const PREFIXES = [
  ['sluice-ignore-file', 'sluice', 'file'],
  ['sluice-ignore', 'sluice', 'statement'],
  ['squawk-ignore-file', 'squawk', 'file'],
  ['squawk-ignore', 'squawk', 'statement'],
] as const;

/**
 * squawk rule names that stand for several sluice rules (squawk's single-rule names that differ
 * from sluice's are in RULE_ALIASES).
 */
export const SQUAWK_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'prefer-big-int': ['prefer-bigint-over-int', 'prefer-bigint-over-smallint'],
  'require-timeout-settings': ['require-lock-timeout', 'require-statement-timeout'],
};

function parseLine(
  text: string,
): Omit<IgnoreDirective, 'statementIndex' | 'line' | 'column' | 'used'> | null {
  const t = text.trim();
  const match = PREFIXES.find(([prefix]) => t.startsWith(prefix));
  if (!match) return null;
  const [prefix, form, scope] = match;
  const rest = t.slice(prefix.length);
  if (rest.length > 0 && rest[0] !== ' ' && rest[0] !== '\t' && rest[0] !== ':') return null;
  // sluice: `ids: reason`; squawk: `ids -- reason` (the reason optional).
  const cut = form === 'sluice' ? rest.indexOf(':') : rest.indexOf('--');
  const idsPart = cut < 0 ? rest : rest.slice(0, cut);
  const reason = cut < 0 ? '' : rest.slice(cut + (form === 'sluice' ? 1 : 2)).trim();
  const rules = idsPart
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return { scope, form, rules, reason };
}

/** 1-based line and column of a string index in `text`. */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/**
 * The ignore directives in one statement's leading comments.
 *
 * @example
 * parseIgnores({ sql: 'DROP TABLE t', line: 3, column: 1, leadingComments: ['-- sluice-ignore ban-drop-table: unused since v2'] }, 0, ctx)
 * // [{ scope: 'statement', rules: ['ban-drop-table'], reason: 'unused since v2', line: 2, … }]
 */
export function parseIgnores(
  input: LintStatementInput,
  statementIndex: number,
  ctx: LintContext,
): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  let searchEnd = input.offset;
  // Comments are searched backwards from the statement, last first, so each finds its own place.
  for (let c = input.leadingComments.length - 1; c >= 0; c--) {
    const comment = input.leadingComments[c] ?? '';
    const lines = commentLines(comment);
    const parsed = lines.map(parseLine);
    if (parsed.every((p) => p === null)) continue;
    let base = { line: input.line, column: input.column };
    if (ctx.source !== undefined && searchEnd !== undefined) {
      const at = ctx.source.lastIndexOf(comment.trim(), searchEnd);
      if (at >= 0) {
        base = lineColumn(ctx.source, at);
        searchEnd = at;
      }
    }
    parsed.forEach((p, i) => {
      if (!p) return;
      const line = base.line + i;
      out.unshift({ ...p, statementIndex, line, column: i === 0 ? base.column : 1, used: new Set() });
    });
  }
  return out;
}
