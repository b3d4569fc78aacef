/**
 * Human output: one block per finding with a code frame (the line before, the offending line and
 * a caret at the column), the help and the fix; a summary line at the end.
 */
import pc from 'picocolors';
import type { Finding } from '../types.js';
import { counts, type FormatOptions } from './options.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function frame(
  source: string,
  line: number,
  column: number,
  c: ReturnType<typeof pc.createColors>,
): string[] {
  const lines = source.split('\n');
  const target = lines[line - 1];
  if (target === undefined) return [];
  const out: string[] = [];
  const width = String(line).length;
  const gutter = (n: number | null, mark: string) =>
    `${mark} ${(n === null ? '' : String(n)).padStart(width)} | `;
  const before = lines[line - 2];
  if (line > 1 && before !== undefined && before.trim() !== '')
    out.push(c.dim(gutter(line - 1, ' ') + before.replace(/\r$/, '')));
  out.push(c.bold(gutter(line, '>')) + target.replace(/\r$/, ''));
  // Keep the tabs of the line so the caret lines up whatever the tab width.
  const pad = target.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, ' ');
  out.push(`${gutter(null, ' ')}${pad}${c.red('^')}`);
  return out;
}

/**
 * Formats findings for a terminal.
 *
 * @example
 * formatText(report.findings, { sources: report.sources, color: process.stdout.isTTY })
 * // db/m.sql:3:1 error require-concurrent-index-creation
 * //   Creating an index on users without CONCURRENTLY …
 */
export function formatText(findings: readonly Finding[], options: FormatOptions = {}): string {
  const c = pc.createColors(options.color === true);
  const blocks: string[] = [];
  for (const f of findings) {
    const sev = f.severity === 'error' ? c.red('error') : c.yellow('warning');
    const lines = [`${c.bold(`${f.file}:${f.line}:${f.column}`)} ${sev} ${c.cyan(f.rule)}`, `  ${f.message}`];
    const source = options.sources?.get(f.file);
    if (source !== undefined) lines.push('', ...frame(source, f.line, f.column, c).map((l) => `  ${l}`));
    lines.push('', `  ${c.green('help:')} ${f.help}`);
    if (f.fix) lines.push(`  ${c.green('fix:')}`, ...f.fix.split('\n').map((l) => `    ${l}`));
    blocks.push(lines.join('\n'));
  }
  const { errors, warnings } = counts(findings);
  const files = new Set(findings.map((f) => f.file)).size;
  const summary =
    findings.length === 0
      ? c.green('No problems found.')
      : `${errors > 0 ? c.red(plural(errors, 'error')) : plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}.`;
  return [...blocks, summary].join('\n\n') + '\n';
}
