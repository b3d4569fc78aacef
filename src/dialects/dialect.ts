/**
 * The dialect boundary. Everything database-specific sits behind these interfaces, so MySQL/MariaDB
 * and SQLite arrive as new folders under `dialects/`, not as a rewrite. This file imports no driver.
 *
 * - A {@link Dialect} is pure knowledge of one SQL flavour: quoting, session settings, error codes,
 *   the history table's DDL, capabilities. It never opens a connection.
 * - A {@link Driver} opens {@link Connection}s to one database and owns the runner lock, because how
 *   a lock is held depends on the driver (an advisory lock on a dedicated server session for `pg`,
 *   a lock file for embedded PGlite).
 */
import type { DialectLinter } from '../lint/dialect-linter.js';
import type { Operation } from '../operations/types.js';
import type { IntrospectOptions, SchemaModel } from '../schema/model.js';
import type { Quoting, SqlFragment } from '../sql/tag.js';

/** Result of one statement. */
export interface QueryResult<R = Record<string, unknown>> {
  rows: R[];
  /** Rows affected or returned, when the server says. */
  rowCount: number | null;
}

/** One database session. Not safe for concurrent use: await each call. */
export interface Connection {
  /** Runs one statement. With `values`, placeholders are bound parameters. */
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Closes the session (returns it to nothing: sluice does not pool). */
  close(): Promise<void>;
}

/** What the runner lock holder looks like, for "waiting for …" messages. */
export interface LockHolder {
  /** Human description: application name, user, host, pid, since when. */
  description: string;
}

/** A held runner lock. */
export interface RunnerLock {
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  /**
   * The session that will run the migrations. Where the lock is a server lock it is taken on this
   * very session, so it lasts exactly as long as the server-side work of the run: if the client
   * dies, the lock is freed only when the server has finished (committed or rolled back) whatever
   * the session had already sent, and a runner that takes over can never race a dead one's commit.
   */
  session: Connection;
  /** Lock key: one per history table, so two projects in one database do not block each other. */
  key: string;
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Called when the lock is busy, with who holds it (once, then again when the holder changes). */
  onWait?: (holder: LockHolder | null) => void;
}

/** Opens sessions to one database. */
export interface Driver {
  readonly dialect: Dialect;
  /** The target, safe to print (password masked). */
  readonly description: string;
  connect(): Promise<Connection>;
  /**
   * Takes the lock that allows one runner at a time, on `options.session`. Waiting must not hold a
   * snapshot or a transaction open in the target database: a `CREATE INDEX CONCURRENTLY` run by the
   * lock holder waits for every older snapshot, so a blocked waiter would deadlock it.
   */
  acquireRunnerLock(options: AcquireLockOptions): Promise<RunnerLock>;
  /** Closes every session and frees the driver's resources. */
  close(): Promise<void>;
}

/** Facts about a database, used instead of `if (dialect === 'mysql')`. */
export interface Capabilities {
  /**
   * DDL can be rolled back (PostgreSQL yes, MySQL no). Without it a migration's statements cannot
   * share a transaction with its history row: the runner runs each step statement by statement and
   * records it after, as it does for `transaction: false` migrations.
   */
  transactionalDdl: boolean;
  /**
   * The online (zero-downtime) engine runs here: version schemas of views, PL/pgSQL sync triggers,
   * `search_path`. Only PostgreSQL; an online migration on any other dialect is refused.
   */
  onlineMigrations: boolean;
}

/** A server's version, as numbers a dialect can compare (never PostgreSQL's `server_version_num`). */
export interface ServerVersion {
  /** First number of the release (PostgreSQL 15.4 → 15, 9.6.24 → 9; MySQL 8.0.36 → 8). */
  major: number;
  /** Second number (PostgreSQL 15.4 → 4, 9.6.24 → 6; MySQL 8.0.36 → 0). */
  minor: number;
}

/** One column of a live table, as the catalog gives it (the type as the server prints it). */
export interface LiveColumn {
  schema: string;
  table: string;
  column: string;
  type: string;
}

/** A table found by {@link CatalogReader.tablesOnSearchPath}, with its column names. */
export interface FoundTable {
  schema: string;
  name: string;
  columns: string[];
}

/**
 * What the runner reads from a live database's catalog. Reads only; each dialect answers in its
 * own catalog's terms, so nothing outside `dialects/` queries a catalog.
 */
export interface CatalogReader {
  /** The columns of the user tables (outside the system schemas), in table and column order. */
  liveColumns(conn: Connection): Promise<LiveColumn[]>;
  /**
   * Which of `relations` (as statements write them; an index stands for its table) exist and hold
   * no row visible now. Exact, never an estimate: "empty" lifts a refusal. Waits for a lock at most
   * `lockTimeoutMs`; a relation that is missing, unreadable or locked is not empty.
   */
  emptyRelations(conn: Connection, relations: Iterable<string>, lockTimeoutMs: number): Promise<Set<string>>;
  /** The planner's estimate of a relation's rows; null when unknown, not created yet or not a name. */
  estimatedRows(conn: Connection, relation: string): Promise<number | null>;
  /**
   * The tables named one of `names` on the search path, the first of a name first (as an
   * unqualified name resolves), with their column names.
   */
  tablesOnSearchPath(conn: Connection, names: readonly string[]): Promise<FoundTable[]>;
}

/** A database error reduced to what sluice needs. */
export interface DatabaseErrorInfo {
  message: string;
  /** SQLSTATE or vendor code. */
  code?: string;
  /** 1-based character offset in the statement, when the server gave one. */
  position?: number;
  detail?: string;
  hint?: string;
  /** The statement could not get a lock in time: worth retrying. */
  lockTimeout: boolean;
  /** The connection itself failed (refused, reset, authentication). */
  connection: boolean;
  /** The statement refused to run inside a transaction block (e.g. `CREATE INDEX CONCURRENTLY`). */
  needsNoTransaction: boolean;
  /** A unique constraint or primary key was violated. */
  uniqueViolation: boolean;
  /** The server broke a deadlock by failing this statement. */
  deadlock: boolean;
  /**
   * The transaction failed only because of concurrent sessions (a lock timeout, a deadlock, a
   * serialization failure): running it again from the start can succeed.
   */
  retryable: boolean;
  /** The object a `CREATE` names already exists (a table, an index, a schema). */
  alreadyExists: boolean;
  /** Division by zero: how the history's revert claim says the row was already gone. */
  divisionByZero: boolean;
}

/** What a statement does to the transaction it runs in, if it is a transaction-control statement. */
export type TransactionControl = 'begin' | 'end' | 'other' | null;

/** What to do with a statement that ran outside a transaction and whose outcome is unknown. */
export type Settlement =
  | { outcome: 'done'; reason: string }
  | { outcome: 'redo'; reason: string; cleanup: string[] }
  | { outcome: 'unknown'; reason: string };

export interface SessionSettings {
  /** Milliseconds to wait for a table lock before giving up; 0 means wait forever. */
  lockTimeoutMs: number;
  /** Milliseconds any statement may run; 0 means no limit. */
  statementTimeoutMs: number;
}

/**
 * One statement an operation compiles to, with what it does to the table. `Mode` is the dialect's
 * own lock mode names (PostgreSQL's `LockMode`).
 */
export interface OperationStatement<Mode extends string = string> {
  /** Rendered with the dialect's quoting; identifiers always quoted. */
  sql: string;
  /** Bound parameters (only raw `sql` operations written with values have them). */
  values?: unknown[];
  /**
   * False: run it on its own, outside any transaction, after everything before it has committed
   * (`CONCURRENTLY` requires it; a separate `VALIDATE` needs it to not hold the earlier lock).
   */
  transactional: boolean;
  /** Table-level locks it takes: `{ mode: 'ACCESS EXCLUSIVE', table: 'app.users' }`. */
  locks: { mode: Mode; table: string }[];
  /** Rewrites the table (and its indexes). */
  rewrites: boolean;
  /** Reads every row (validation, index build). */
  scans: boolean;
  /** Why it is done this way, for plan output. */
  note?: string;
  /** The user's own SQL (a `sql` operation), passed through as written rather than generated. */
  written?: boolean;
}

/** Opaque per-migration compile state (e.g. which tables the migration created). */
export type CompileState = unknown;

/** How a dialect turns typed operations into SQL and captures what a drop needs to be undone. */
export interface OperationSupport {
  /** The state at the start of a migration, for a server version. */
  initial(server: ServerVersion): CompileState;
  /** Pure: the statements of one operation, and the state after it. */
  compile(op: Operation, state: CompileState): { statements: OperationStatement[]; state: CompileState };
  /** Reads the live definition an operation will destroy (null: nothing to capture). */
  capture(conn: Connection, op: Operation): Promise<unknown>;
  /** True when the operation's reverse needs a capture. */
  needsCapture(op: Operation): boolean;
  /** The operations that undo `ops` (last first), or why they cannot be derived. */
  deriveDown(
    ops: readonly Operation[],
    captured: readonly unknown[],
  ): { ok: true; operations: Operation[]; notes: string[] } | { ok: false; reason: string };
  /**
   * Statement methods (`db.addColumn`, …) that record operations and hand them to `execute`;
   * default index and constraint names are at most `maxIdentifierLength` bytes (the dialect's).
   */
  recorder(
    maxIdentifierLength: number,
    execute?: (op: Operation) => Promise<unknown>,
  ): { db: object; operations: readonly Operation[] };
}

/** The SQL flavours a dialect can be. */
export type DialectName = 'postgres' | 'mysql' | 'sqlite';

/** Pure knowledge of one SQL flavour. */
export interface Dialect {
  readonly name: DialectName;
  readonly quoting: Quoting;
  readonly capabilities: Capabilities;
  /** Longest identifier the server keeps, in bytes (PostgreSQL 63: a longer one is truncated). */
  readonly maxIdentifierLength: number;
  /**
   * Statements that apply timeouts. `local` limits them to the current transaction
   * (`SET LOCAL` on PostgreSQL), otherwise they last for the session.
   */
  sessionSettings(settings: SessionSettings, scope: { local: boolean }): string[];
  /**
   * Statements that let the current transaction's commit return before it is flushed to disk
   * (PostgreSQL: `SET LOCAL synchronous_commit = off`); empty where there is no such thing.
   */
  deferredCommit(): string[];
  /** Reduces a driver error to {@link DatabaseErrorInfo}. */
  errorInfo(error: unknown): DatabaseErrorInfo;
  /** DDL that creates the history table if it is missing. Must be idempotent. */
  historyTableDdl(table: SqlFragment, schema: SqlFragment | null): SqlFragment[];
  /** True if the error says the history table does not exist. */
  isUndefinedTable(error: unknown): boolean;
  /** Reads the server's version on `conn`; null when the server does not say. */
  serverVersion(conn: Connection): Promise<ServerVersion | null>;
  /** Typed operations support, loaded on first use (it is not needed by `status`). */
  operations(): Promise<OperationSupport>;
  /** Reads the live schema (every user schema, some, or named objects) into the dialect-free model. */
  introspect(conn: Connection, options?: IntrospectOptions): Promise<SchemaModel>;
  /** The catalog reads the runner makes (column types, empty tables, row estimates), loaded on first use. */
  catalog(): Promise<CatalogReader>;
  /**
   * The linter of this SQL flavour, loaded on first use. A dialect without one has its migrations
   * applied unlinted: no finding, and no statement refused as a syntax error by another
   * flavour's parser.
   */
  linter?(): Promise<DialectLinter>;
  /**
   * Whether a statement controls transactions (`BEGIN`, `COMMIT`, …): the runner must not wrap it
   * in a transaction of its own.
   */
  transactionControl(statement: string): TransactionControl;
  /**
   * True for statements that wait for other transactions without making anyone wait for them
   * (a concurrent index build waits for older snapshots, and blocks no reads or writes): they run
   * without `lock_timeout`, since their waits queue nobody, and a build cut short by one would have
   * to start over.
   */
  waitsWithoutBlocking(statement: string): boolean;
  /**
   * Settles a statement that ran outside a transaction and whose outcome is unknown: `inFlight`
   * when the runner died while it ran (it may have taken effect), else it failed. Called only once
   * the session that ran it has ended. Reads the catalog; runs nothing that changes it (the cleanup
   * it returns is run by the caller).
   */
  settleInterrupted(conn: Connection, statement: string, inFlight: boolean): Promise<Settlement>;
}
