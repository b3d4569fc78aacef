import { lintStatements } from '../../../src/lint/linter.js';
import { SchemaModel } from '../../../src/lint/schema.js';
import type { Finding, RuleSetting } from '../../../src/lint/types.js';
import { splitStatements } from '../../../src/sql/split.js';

export interface LintTestOptions {
  transaction?: boolean;
  pgVersion?: number;
  rules?: Record<string, RuleSetting>;
  schema?: SchemaModel;
}

/** Lints SQL text (statements at file positions from line 1) as one migration. */
export async function lint(sql: string, options: LintTestOptions = {}): Promise<Finding[]> {
  return lintStatements(
    splitStatements(sql),
    {
      file: 'm.sql',
      transaction: options.transaction ?? true,
      pgVersion: options.pgVersion ?? 15,
      source: sql,
    },
    { rules: options.rules, schema: options.schema },
  );
}

/** The findings of one rule, reduced to what tests compare. */
export async function findingsOf(rule: string, sql: string, options: LintTestOptions = {}) {
  return (await lint(sql, options))
    .filter((f) => f.rule === rule)
    .map((f) => ({ rule: f.rule, line: f.line, column: f.column, severity: f.severity }));
}

/** A schema that knows the columns declared by `CREATE TABLE` statements (an "earlier migration"). */
export async function schemaFrom(sql: string): Promise<SchemaModel> {
  const schema = new SchemaModel();
  await lint(sql, { schema });
  return schema;
}

/**
 * Lints a rule's `fix` (or a docs example) the way a user would apply it: parts separated by
 * "-- in a later/separate migration" comments or starting at a `-- migrate:up` line are separate
 * migrations (sharing what they teach the schema model), and a `-- migrate:up transaction:false`
 * header makes a part run outside a transaction.
 */
export async function fixFindings(rule: string, fix: string, options: LintTestOptions = {}) {
  const schema = options.schema ?? new SchemaModel();
  const parts: string[] = [''];
  for (const line of fix.split('\n')) {
    const current = parts[parts.length - 1] ?? '';
    if (line.startsWith('-- in a later migration') || line.startsWith('-- in a separate migration'))
      parts.push('');
    else if (line.startsWith('-- migrate:up') && current.trim() !== '') parts.push(`${line}\n`);
    else parts[parts.length - 1] = `${current}${line}\n`;
  }
  const out: Finding[] = [];
  for (const part of parts) {
    const transaction = part.startsWith('-- migrate:up transaction:false')
      ? false
      : (options.transaction ?? true);
    out.push(...(await lint(part, { ...options, transaction, schema })).filter((f) => f.rule === rule));
  }
  return out;
}

/** One failing case of a rule table. */
export interface FailCase {
  sql: string;
  /** [line, column] of the single expected finding. */
  at: [number, number];
  options?: LintTestOptions;
}

/** A rule's table: SQL that must pass, SQL that must fail (exactly one finding at `at`). */
export interface RuleCases {
  rule: string;
  severity: 'error' | 'warning';
  pass: (string | { sql: string; options: LintTestOptions })[];
  fail: FailCase[];
  options?: LintTestOptions;
}
