/**
 * Where statements go: to the database (live) or into a script (`--dry-run`). The runner's logic
 * is written once against {@link StatementSink}, so the dry-run output is exactly what a real run
 * would send, in order, with its transaction boundaries.
 */
import type { Connection, Dialect, OperationStatement, QueryResult } from '../dialects/dialect.js';
import { MigrationFailedError } from '../errors.js';
import { inlineValues } from '../sql/tag.js';

/** Where a statement came from, for error messages. */
export interface StatementOrigin {
  /** Migration file path. */
  file: string;
  /** 1-based line of the statement in the file. */
  line?: number;
  column?: number;
  /** 0-based index of the statement within its migration step. */
  index?: number;
  /** What a typed operation's compiler knows about the statement (locks, rewrites, transaction). */
  meta?: OperationStatement;
}

export interface StatementSink {
  readonly dryRun: boolean;
  /** Each statement is timed and reported as it runs (`--verbose`): send them one at a time. */
  readonly timed?: boolean;
  exec<R = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
    origin?: StatementOrigin,
  ): Promise<QueryResult<R>>;
  /** Sends several parameterless statements in one round trip (the runner's own bookkeeping). */
  batch(statements: readonly string[]): Promise<void>;
}

/** A migration statement that ran: what `--verbose` prints. */
export interface StatementTiming {
  origin: StatementOrigin;
  text: string;
  durationMs: number;
}

/**
 * Runs statements on a connection. `onStatement` hears of each migration statement (one with an
 * origin; not the runner's own bookkeeping) once it has run, with its duration.
 */
export class LiveSink implements StatementSink {
  readonly dryRun = false;
  readonly timed: boolean;
  constructor(
    readonly conn: Connection,
    private readonly onStatement?: (timing: StatementTiming) => void,
  ) {
    this.timed = onStatement !== undefined;
  }
  async exec<R>(
    text: string,
    values?: readonly unknown[],
    origin?: StatementOrigin,
  ): Promise<QueryResult<R>> {
    if (!origin || !this.onStatement) return this.conn.query<R>(text, values);
    const started = performance.now();
    const result = await this.conn.query<R>(text, values);
    this.onStatement({ origin, text, durationMs: performance.now() - started });
    return result;
  }
  async batch(statements: readonly string[]): Promise<void> {
    // One simple-protocol query: the server runs the statements in order, one round trip.
    // The newline before each `;` ends a trailing `-- comment` a statement may carry.
    if (statements.length > 0) await this.conn.query(`${statements.join('\n;\n')}\n;`);
  }
}

/** Records statements as a SQL script instead of running them. */
export class DryRunSink implements StatementSink {
  readonly dryRun = true;
  readonly lines: string[] = [];
  constructor(private readonly dialect: Dialect) {}

  async exec<R>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>> {
    let shown = text.trim();
    // Parameters are inlined as literals so the script can be pasted into psql.
    if (values && values.length > 0) shown = inlineValues(shown, values, this.dialect.quoting);
    this.lines.push(/;\s*$/.test(shown) ? shown : `${shown};`);
    return { rows: [], rowCount: 0 };
  }

  async batch(statements: readonly string[]): Promise<void> {
    for (const statement of statements) await this.exec(statement);
  }

  comment(text: string): void {
    this.lines.push(`-- ${text}`);
  }

  get script(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** 1-based line (and column) in the file of a character position inside a statement. */
export function positionInFile(
  statement: string,
  origin: StatementOrigin,
  position: number | undefined,
): { line?: number; column?: number } {
  if (origin.line === undefined) return {};
  if (position === undefined) return { line: origin.line, column: origin.column };
  const before = statement.slice(0, Math.max(0, position - 1));
  const newlines = before.split('\n');
  const line = origin.line + newlines.length - 1;
  // On a later line the statement text is the file's text, so its column is the file's. On the first
  // line it is only known for a statement whose own column is (a .sql file): a TypeScript call's
  // line comes from the stack, and counting from column 1 there named a column of nothing.
  if (newlines.length > 1) return { line, column: newlines[newlines.length - 1]!.length + 1 };
  return { line, column: origin.column === undefined ? undefined : origin.column + before.length };
}

/**
 * Wraps a database error into a {@link MigrationFailedError} that names the file, the statement,
 * its line, and the database's own message and code.
 */
export function migrationError(
  dialect: Dialect,
  error: unknown,
  statement: string,
  origin: StatementOrigin,
  label: string,
): MigrationFailedError {
  if (error instanceof MigrationFailedError) return error;
  const info = dialect.errorInfo(error);
  const { line, column } = positionInFile(statement, origin, info.position);
  const where = `${origin.file}${line !== undefined ? `:${line}` : ''}${column !== undefined ? `:${column}` : ''}`;
  const code = info.code ? ` [${info.code}]` : '';
  return new MigrationFailedError(`${label} failed at ${where}: ${info.message}${code}`, {
    cause: error,
    lockTimeout: info.lockTimeout,
    details: {
      file: origin.file,
      line,
      column,
      statement: statement.trim(),
      statementIndex: origin.index,
      sqlState: info.code,
      detail: info.detail,
      hint: info.hint,
    },
  });
}
