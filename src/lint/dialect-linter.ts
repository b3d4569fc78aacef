/**
 * What the runner and `sluice lint` ask of a dialect's linter (see `Dialect.linter`). The runner
 * lints what `up` is about to apply and classifies each migration through this interface only, so
 * a dialect without a linter runs its SQL unlinted rather than through another flavour's parser.
 */
import type { LiveColumn } from '../dialects/dialect.js';
import type { LintStatementsOptions } from './linter.js';
import type { SchemaModel } from './schema.js';
import type {
  ChangeClass,
  Finding,
  LintContext,
  LintOptions,
  LintReport,
  LintStatementInput,
  StatementAnalysis,
} from './types.js';

/** A linter of one SQL flavour. */
export interface DialectLinter {
  /** A schema model holding the live tables' columns (empty for none). */
  schemaFrom(columns: readonly LiveColumn[]): Promise<SchemaModel>;
  /** Lints the statements of one migration step (see `lintStatements`). */
  lintStatements(
    statements: readonly LintStatementInput[],
    context: LintContext,
    options?: LintStatementsOptions,
  ): Promise<Finding[]>;
  /** The key the schema model files a relation name under (`users`, `app.users`). */
  tableKey(name: string): string;
  /** Why a rule's finding matters: a lock on a table in use, or a change an application sees. */
  hazardOf(rule: string): 'lock' | 'compatibility' | undefined;
  /** The strongest class of change among a migration's statements. */
  migrationClass(analyses: readonly Pick<StatementAnalysis, 'class'>[]): ChangeClass;
  /** Lints migration files and directories, as `sluice lint` does (see `lintPaths`). */
  lintPaths(paths: readonly string[], options?: LintOptions): Promise<LintReport>;
}
