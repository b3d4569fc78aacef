/**
 * PostgreSQL's linter as a dialect feature: squawk-style rules over libpg-query's parse tree
 * (`src/lint/`). Loaded lazily by the dialect, with the WebAssembly parser behind it.
 */

import { migrationClass } from '../../lint/analyze.js';
import { tableKey } from '../../lint/ast.js';
import type { DialectLinter } from '../../lint/dialect-linter.js';
import { lintPaths } from '../../lint/lint-files.js';
import { lintStatements } from '../../lint/linter.js';
import { schemaFromColumns } from '../../lint/live-schema.js';
import { ruleById } from '../../lint/rules/index.js';

/**
 * The PostgreSQL linter.
 *
 * @example
 * const linter = await postgresDialect.linter!();
 * const findings = await linter.lintStatements(statements, { file, transaction: true, pgVersion: 15 });
 */
export const postgresLinter: DialectLinter = {
  schemaFrom: schemaFromColumns,
  lintStatements,
  tableKey,
  hazardOf: (rule) => ruleById(rule)?.hazard,
  migrationClass,
  lintPaths,
};
