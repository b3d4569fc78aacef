/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { Finding } from '../types.js';
import type { FormatOptions } from './options.js';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Formats findings as `::error` / `::warning` annotations.
 *
 * @example
 * formatGithub(findings)
 * // ::error file=db/m.sql,line=3,col=1,endLine=3,endColumn=42,title=require-concurrent-index-creation::Creating an index…%0A%0AUse …
 */
export function formatGithub(findings: readonly Finding[], _options: FormatOptions = {}): string {
  return findings
    .map((f) => {
      const props = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `col=${f.column}`];
      if (f.endLine !== undefined) props.push(`endLine=${f.endLine}`);
      if (f.endColumn !== undefined) props.push(`endColumn=${f.endColumn}`);
      props.push(`title=${escapeProperty(f.rule)}`);
      const body = [f.message, '', f.help, ...(f.fix ? ['', f.fix] : [])].join('\n');
      return `::${f.severity} ${props.join(',')}::${escapeData(body)}\n`;
    })
    .join('');
}
