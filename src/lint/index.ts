/**
 * The linter's public surface (explicit exports; `src/index.ts` re-exports what it needs).
 */

export { loadParser } from '../dialects/postgres/parser.js';
export type { AnalyzeOptions } from './analyze.js';
export { analyzeNode, analyzeStatement, analyzeStatementSync, migrationClass } from './analyze.js';
export type { MigrationAnalysis, StatementReport } from './analyze-migration.js';
export { analyzeMigration } from './analyze-migration.js';
export { tableKey } from './ast.js';
export { fixSqlText } from './fix-files.js';
export type { FormatOptions, LintFormat } from './format/index.js';
export {
  formatFindings,
  formatGithub,
  formatJson,
  formatSarif,
  formatText,
  LINT_FORMATS,
} from './format/index.js';
export { lintPaths, lintSqlFile } from './lint-files.js';
export type { LintStatementsOptions } from './linter.js';
export { lintStatements, resolveRules } from './linter.js';
export type { LiveColumn } from './live-schema.js';
export { schemaFromColumns } from './live-schema.js';
export { blocks, LOCK_MODES, lockStrength } from './locks.js';
export type { Rule } from './rule.js';
export { RULE_ALIASES, RULES, ruleById } from './rules/index.js';
export { SchemaModel } from './schema.js';
export type {
  ChangeClass,
  Finding,
  LintContext,
  LintOptions,
  LintReport,
  LintStatementInput,
  LoadedStatements,
  LockInfo,
  PgLockMode,
  RuleSetting,
  Severity,
  StatementAnalysis,
} from './types.js';
export { DEFAULT_PG_VERSION, majorVersion } from './version.js';
