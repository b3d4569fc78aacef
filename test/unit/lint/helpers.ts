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
