import type { Finding } from '../types.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import type { FormatOptions } from './options.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export type { FormatOptions } from './options.js';
export { formatGithub, formatJson, formatSarif, formatText };

/**
 * The `--format` values of `sluice lint`.
 *
 * @example
 * if (!LINT_FORMATS.includes(opt as LintFormat)) throw new UsageError(`--format must be one of ${LINT_FORMATS.join(', ')}`);
 */
export const LINT_FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

/**
 * Formats findings in one of {@link LINT_FORMATS}.
 *
 * @example
 * process.stdout.write(formatFindings('github', report.findings, { sources: report.sources }));
 */
export function formatFindings(
  format: LintFormat,
  findings: readonly Finding[],
  options: FormatOptions = {},
): string {
  switch (format) {
    case 'text':
      return formatText(findings, options);
    case 'json':
      return formatJson(findings, options);
    case 'github':
      return formatGithub(findings, options);
    case 'sarif':
      return formatSarif(findings, options);
  }
}
