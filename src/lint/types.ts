/**
 * Data types of the linter and the statement analyzer. Findings are plain data: the CLI formats
 * them, the runner counts them, nothing here prints.
 */

/** How bad a finding is. `error` findings make `sluice up` refuse (exit 3) unless acknowledged. */
export type Severity = 'error' | 'warning';

/** What a configuration may say about a rule. */
export type RuleSetting = 'off' | Severity;

/** PostgreSQL table-level lock modes, weakest first (see "Explicit Locking" in the PostgreSQL docs). */
export type PgLockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

/**
 * One problem found in one statement.
 *
 * @example
 * { file: 'db/migrations/20240101000000_idx.sql', line: 2, column: 1, rule: 'require-concurrent-index-creation',
 *   severity: 'error', message: 'Creating an index without CONCURRENTLY blocks writes…', help: 'Use …', fix: 'CREATE INDEX CONCURRENTLY …' }
 */
export interface Finding {
  file: string;
  /** 1-based line in `file`. */
  line: number;
  /** 1-based column in `file`. */
  column: number;
  /** End of the statement the finding is about (1-based, inclusive line, exclusive column). */
  endLine?: number;
  endColumn?: number;
  /** Rule id, e.g. `ban-drop-column`; its page is `docs/rules/<rule>.md`. */
  rule: string;
  severity: Severity;
  /** What is wrong and why, one or two sentences. */
  message: string;
  /** What to do instead. */
  help: string;
  /** Ready-to-paste safe SQL, when sluice can write it for this statement. */
  fix?: string;
  /**
   * Set by `up` and `plan` when an error does not block (its severity is then `warning`): why
   * the risk is absent here, `table created in this run` or `table is empty`.
   */
  downgraded?: string;
}

/** What the linter knows about the migration a list of statements comes from. */
export interface LintContext {
  /** Path used in findings. */
  file: string;
  /** True when the migration runs inside one transaction (sluice's default). */
  transaction: boolean;
  /** Major PostgreSQL version targeted, e.g. 15. */
  pgVersion: number;
  /** The file's text, when there is one: lets findings about ignore comments point at the comment. */
  source?: string;
}

/**
 * One statement to lint, with where it stands in its file. `SqlStatement` from the SQL file
 * parser fits as is; a TypeScript migration's compiled statements fit too.
 */
export interface LintStatementInput {
  /** The statement text, without its trailing semicolon and leading comments. */
  sql: string;
  /** 1-based line of the statement's first token. */
  line: number;
  /** 1-based column of the statement's first token. */
  column: number;
  /** 0-based character offset of the first token in the file, when known. */
  offset?: number;
  /** Comments written before the statement, as written (ignore directives live here). */
  leadingComments: string[];
  /**
   * Compiled by sluice from a typed operation, not written by the user: rules about how a
   * statement should be written for re-runs (`prefer-robust-stmts`) do not apply, since sluice's
   * runner records each one's completion atomically (or settles it from the catalog) and the user
   * cannot edit it anyway.
   */
  generated?: boolean;
}

/** The statements of one migration step, as a TypeScript/JavaScript loader returns them. */
export interface LoadedStatements {
  up: { statements: LintStatementInput[]; transaction: boolean };
  down?: { statements: LintStatementInput[]; transaction: boolean } | null;
}

/** Linter options: a plain object, filled by the config loader. */
export interface LintOptions {
  /**
   * Per-rule setting: `'off'`, or a severity that also turns on a rule that is off by default.
   * squawk's `prefer-timestamptz` spelling is accepted for `prefer-timestamp-tz`.
   */
  rules?: Record<string, RuleSetting>;
  /** Major PostgreSQL version targeted (from the config or the live server). Default 15. */
  pgVersion?: number;
  /**
   * Also lint the `down` section of SQL files with every rule. Default false: the down section
   * is only checked for syntax errors, because a rollback drops what `up` created by design.
   */
  lintDown?: boolean;
  /** `.sql` files have no markers: the whole file is the up section (the `prisma` and `flyway` layouts). */
  plainSql?: boolean;
  /**
   * Gives the compiled statements of a `.ts`/`.js` migration (the runner passes it). Without it
   * such files are listed in {@link LintReport.skipped}, never silently dropped.
   */
  loadStatements?: (file: string) => Promise<LoadedStatements | null>;
}

/** What {@link lintPaths} returns. */
export interface LintReport {
  /** Every finding, file by file in the order linted, then by line and column. */
  findings: Finding[];
  /** Files linted, in order. */
  files: string[];
  /** Files that could not be linted and why (e.g. a TypeScript migration with no loader). */
  skipped: { file: string; reason: string }[];
  /** Statements linted. */
  statements: number;
  /** File texts by path, for code frames. */
  sources: Map<string, string>;
}

/** What kind of change a statement (or a migration, by its strongest statement) makes. */
export type ChangeClass = 'none' | 'additive' | 'data' | 'transformative' | 'destructive';

/** One lock a statement takes. */
export interface LockInfo {
  mode: PgLockMode;
  /** The table (or view, sequence) locked, as written (`schema.name` when qualified). */
  table: string;
  /** True when `table` is an index name: the lock is on the index and on its table. */
  isIndex?: boolean;
}

/** What a statement does to the database, as far as its text tells. */
export interface StatementAnalysis {
  /** Statement kind, e.g. `CREATE INDEX`, `ALTER TABLE`, `UPDATE`. */
  kind: string;
  /** Table-level locks on existing relations, strongest per relation. */
  locks: LockInfo[];
  /** Rewrites the whole table (and its indexes) while holding its lock. */
  rewrites: boolean;
  /** Reads the whole table while holding its lock (validation, index build, full-table DML). */
  scans: boolean;
  /** May run inside a transaction block (false for CONCURRENTLY, VACUUM, …). */
  transactional: boolean;
  class: ChangeClass;
  /** The analyzer cannot see what the statement does (DO blocks, function calls). */
  opaque: boolean;
}
