/**
 * SARIF 2.1.0 (OASIS), the format code-scanning tools (GitHub code scanning among them) read.
 */
import { RULES } from '../rules/index.js';
import type { Finding } from '../types.js';
import type { FormatOptions } from './options.js';

function artifactUri(file: string): string {
  return encodeURI(file.replace(/\\/g, '/'));
}

/**
 * Formats findings as a SARIF 2.1.0 log with one run; every rule is listed in the tool's driver.
 *
 * @example
 * const log = JSON.parse(formatSarif(findings));
 * log.runs[0].results[0].ruleId // 'ban-drop-column'
 */
export function formatSarif(findings: readonly Finding[], options: FormatOptions = {}): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.summary },
    ...(options.docsBaseUrl ? { helpUri: `${options.docsBaseUrl.replace(/\/$/, '')}/${r.id}.md` } : {}),
    defaultConfiguration: { level: r.severity, enabled: r.defaultOff !== true },
  }));
  const results = findings.map((f) => {
    const region: Record<string, number> = { startLine: f.line, startColumn: f.column };
    if (f.endLine !== undefined) region.endLine = f.endLine;
    if (f.endColumn !== undefined) region.endColumn = f.endColumn;
    const ruleIndex = index.get(f.rule);
    return {
      ruleId: f.rule,
      ...(ruleIndex === undefined ? {} : { ruleIndex }),
      level: f.severity,
      message: { text: `${f.message}\n\n${f.help}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(f.file) }, region } }],
      properties: { help: f.help, ...(f.fix ? { fix: f.fix } : {}) },
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sluice',
            ...(options.toolVersion ? { version: options.toolVersion } : {}),
            rules,
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
