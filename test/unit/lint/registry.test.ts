import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadParser, parseSql } from '../../../src/dialects/postgres/parser.js';
import { RULES, ruleById } from '../../../src/lint/rules/index.js';
import { fixFindings } from './helpers.js';

const rulesDir = new URL('../../../src/lint/rules/', import.meta.url);
const docsDir = new URL('../../../docs/rules/', import.meta.url);

function doc(id: string): string {
  return readFileSync(new URL(`${id}.md`, docsDir), 'utf8');
}

function sqlBlocks(markdown: string): string[] {
  const out: string[] = [];
  const parts = markdown.split('```sql\n');
  for (const p of parts.slice(1)) out.push(p.slice(0, p.indexOf('```')));
  return out;
}

describe('rule registry', () => {
  test('one file a rule, named after its id; ids are unique kebab-case', () => {
    const files = readdirSync(rulesDir)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    expect(RULES.map((r) => r.id).sort()).toEqual(files);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  test("squawk's ids are used where squawk has the rule", () => {
    const squawk = [
      'adding-not-nullable-field',
      'ban-drop-column',
      'changing-column-type',
      'require-concurrent-index-creation',
      'constraint-missing-not-valid',
      'disallowed-unique-constraint',
      'renaming-column',
      'renaming-table',
      'adding-foreign-key-constraint',
      'prefer-bigint-over-int',
      'prefer-text-field',
      'prefer-timestamp-tz',
      'prefer-identity',
      'ban-drop-table',
      'ban-drop-database',
      'require-lock-timeout',
      'ban-concurrent-index-creation-in-transaction',
      'adding-field-with-default',
      'prefer-robust-stmts',
      'adding-required-field',
      'adding-serial-primary-key-field',
      'ban-char-field',
      'ban-drop-not-null',
      'prefer-bigint-over-smallint',
      'require-concurrent-index-deletion',
      'transaction-nesting',
      'ban-create-domain-with-constraint',
      'ban-alter-domain-with-add-constraint',
      'ban-truncate-cascade',
      'ban-uncommitted-transaction',
      'identifier-too-long',
      'require-concurrent-partition-detach',
      'require-concurrent-reindex',
      'require-statement-timeout',
      'prefer-repack',
      'unused-ignore',
      'syntax-error',
    ];
    for (const id of squawk) expect(ruleById(id)?.id, id).toBe(id);
    expect(ruleById('prefer-timestamptz')?.id).toBe('prefer-timestamp-tz');
  });

  test('require-lock-timeout is off by default (the runner sets lock_timeout)', () => {
    expect(ruleById('require-lock-timeout')?.defaultOff).toBe(true);
  });
});

describe('docs/rules', () => {
  test('one page a rule, and no page without a rule', () => {
    const pages = readdirSync(docsDir)
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .map((f) => f.slice(0, -3))
      .sort();
    expect(pages).toEqual(RULES.map((r) => r.id).sort());
    const index = readFileSync(new URL('README.md', docsDir), 'utf8');
    for (const r of RULES) expect(index).toContain(`[\`${r.id}\`](${r.id}.md)`);
  });

  test.each(RULES.map((r) => [r.id, r] as const))('%s: severity, default, why, SQL to paste', (id, rule) => {
    const text = doc(id);
    expect(text.startsWith(`# \`${id}\`\n`)).toBe(true);
    expect(text).toContain(`**Severity:** ${rule.severity}`);
    expect(text.includes('**Off by default**')).toBe(rule.defaultOff === true);
    for (const heading of ['## What it catches', '## Why', '## Do this instead', '## Ignoring it'])
      expect(text).toContain(heading);
    expect(sqlBlocks(text).length).toBeGreaterThan(0);
  });

  test.each(RULES.map((r) => [r.id] as const))(
    '%s: every SQL example parses and the safe alternative passes the rule',
    async (id) => {
      await loadParser();
      const blocks = sqlBlocks(doc(id));
      for (const block of blocks) {
        const parsed = parseSql(block);
        expect(parsed.ok, `${id}: ${parsed.ok ? '' : parsed.message}\n${block}`).toBe(true);
      }
      const instead = sqlBlocks(doc(id).slice(doc(id).indexOf('## Do this instead')))[0]!;
      expect(await fixFindings(id, instead, { rules: { [id]: 'error' } })).toEqual([]);
    },
  );
});
