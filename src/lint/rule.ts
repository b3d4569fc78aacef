/**
 * The shape of a lint rule. A rule is data plus a `check` over one parsed statement; the linter
 * owns parsing, positions, severities, ignores and migration state.
 */
import type { Node } from 'libpg-query';
import type { MigrationState } from './state.js';
import type { LintStatementInput, Severity, StatementAnalysis } from './types.js';

/** What a rule reports; the linter turns it into a {@link Finding}. */
export interface Violation {
  message: string;
  help: string;
  /** Ready-to-paste safe SQL. */
  fix?: string;
  /** Parser location (UTF-8 byte offset in the statement) of the offending node; default the statement start. */
  location?: number;
}

/** What a rule sees of one statement. */
export interface RuleContext {
  /** The parsed statement (one key naming its type, e.g. `{ AlterTableStmt: … }`). */
  node: Node;
  input: LintStatementInput;
  /** Locks, rewrites, scans of the statement. */
  analysis: StatementAnalysis;
  /** What the migration did before this statement. */
  state: MigrationState;
  /** Maps a parser location (UTF-8 byte offset in `input.sql`) to a string index. */
  toIndex(location: number): number;
  report(violation: Violation): void;
}

/** What a rule sees at the end of a migration. */
export interface FinishContext {
  state: MigrationState;
  /** Reports at a statement of the migration (by index) or, without one, at its first statement. */
  report(violation: Violation & { statementIndex?: number }): void;
}

/**
 * A lint rule. Its id is its file name under `rules/` and its page `docs/rules/<id>.md`.
 *
 * @example
 * export const banDropDatabase: Rule = {
 *   id: 'ban-drop-database', severity: 'error', summary: 'DROP DATABASE in a migration',
 *   check(ctx) { if ('DropdbStmt' in ctx.node) ctx.report({ message: '…', help: '…' }); },
 * };
 */
export interface Rule {
  id: string;
  /** Default severity. */
  severity: Severity;
  /** Off unless the configuration names it. */
  defaultOff?: boolean;
  /** One line: what the rule catches. */
  summary: string;
  /**
   * What the finding risks, when that depends on the table being in use: `lock` (a lock held for
   * a scan or rewrite: harmless on a table that is empty or that the same `up` run created) or
   * `compatibility` (breaks code that uses the table: harmless only on a table the run created).
   * Unset: the finding always counts.
   */
  hazard?: 'lock' | 'compatibility';
  /** Its `fix` replaces the statement with SQL of the same effect: `sluice lint --fix` writes it. */
  autofix?: boolean;
  check?(ctx: RuleContext): void;
  finish?(ctx: FinishContext): void;
}
