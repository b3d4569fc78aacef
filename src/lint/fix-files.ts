/**
 * `sluice lint --fix`: writes each finding's safe rewrite into a `.sql` migration, where the rule's
 * fix is a drop-in replacement of the statement (`Rule.autofix`). Pure: text in, text out.
 */
import { lintSqlText } from './lint-files.js';
import { ruleById } from './rules/index.js';
import type { Finding, LintOptions } from './types.js';

/** More than enough passes for one statement with several fixes (one fix a statement a pass). */
const MAX_PASSES = 20;

interface Edit {
  start: number;
  end: number;
  text: string;
  finding: Finding;
}

/**
 * The migration text with every autofixable finding's fix written in place, and those findings.
 * Each pass rewrites at most one finding per statement and lints again, so fixes to the same
 * statement compose; running it on its own output changes nothing. A BOM and CRLF line ends are kept.
 *
 * @example
 * const { text, fixed } = await fixSqlText('-- migrate:up transaction:false\nCREATE TABLE t (id int);\n', 'm.sql');
 * // text: '-- migrate:up transaction:false\nCREATE TABLE IF NOT EXISTS t (id int);\n', fixed: [{ rule: 'prefer-robust-stmts', … }]
 */
export async function fixSqlText(
  text: string,
  file: string,
  options: LintOptions = {},
): Promise<{ text: string; fixed: Finding[] }> {
  const bom = text.startsWith('\uFEFF');
  const crlf = text.includes('\r\n');
  // Statement offsets refer to the normalized text (see parseSqlMigration).
  let current = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const fixed: Finding[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const edits = new Map<number, Edit>();
    await lintSqlText(current, file, {
      ...options,
      onFinding: (finding, statement) => {
        const start = statement.offset;
        if (!finding.fix || !ruleById(finding.rule)?.autofix || start === undefined || edits.has(start))
          return;
        const end = start + statement.sql.length;
        const replacement = finding.fix.replace(/;\s*$/, '');
        // Only where the statement is exactly where the parser says and the fix changes it.
        if (current.slice(start, end) !== statement.sql || replacement === statement.sql) return;
        edits.set(start, { start, end, text: replacement, finding });
      },
    });
    if (edits.size === 0) break;
    for (const e of [...edits.values()].sort((a, b) => b.start - a.start)) {
      current = current.slice(0, e.start) + e.text + current.slice(e.end);
      fixed.push(e.finding);
    }
  }
  const out = crlf ? current.replace(/\n/g, '\r\n') : current;
  return { text: bom ? `\uFEFF${out}` : out, fixed };
}
