import type { Finding } from '../types.js';

/** Options shared by the formatters. */
export interface FormatOptions {
  /** File texts by path, for code frames (`text` format). */
  sources?: ReadonlyMap<string, string>;
  /** ANSI colors (`text` format); off unless asked. */
  color?: boolean;
  /** Base URL of the rule docs: `<docsBaseUrl>/<rule>.md` becomes each SARIF rule's helpUri. */
  docsBaseUrl?: string;
  /** sluice's version, for SARIF's tool descriptor. */
  toolVersion?: string;
}

/** Error and warning counts. */
export function counts(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const f of findings) if (f.severity === 'error') errors++;
  return { errors, warnings: findings.length - errors };
}
