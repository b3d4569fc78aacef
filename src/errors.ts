/**
 * Typed errors. Every error a user can cause carries a stable `code`, the exit code the CLI maps it
 * to, and enough context (file, line, statement) to act on it. Errors never print and never exit:
 * only `cli/` does that.
 *
 * Exit codes (documented in the README):
 * - 0: done (also when nothing was pending)
 * - 1: a migration or the database failed
 * - 2: bad usage, config or migration file
 * - 3: refused for safety (drift, out-of-order, unconfirmed down, unsafe lint findings)
 */

export type ExitCode = 0 | 1 | 2 | 3;

/**
 * Every error code sluice throws, with the exit code the CLI maps it to. A code is added here (and
 * to the README's table of codes) before it is used: an unknown code does not compile, and no
 * error chooses its own exit code.
 */
export const EXIT_CODES = {
  // 1: a migration or the database failed
  database: 1,
  'migration-failed': 1,
  'lock-timeout': 1,
  aborted: 1,
  'no-version-schema': 1,
  'online-verify-failed': 1,
  'backfill-aborted': 1,
  'backfill-failed': 1,
  // 2: bad usage, config or migration file; nothing was applied
  usage: 2,
  config: 2,
  'migration-file': 2,
  'migrations-dir': 2,
  'migration-unreadable': 2,
  'migration-encoding': 2,
  'online-not-started': 2,
  'online-unsupported': 2,
  'backfill-invalid-spec': 2,
  'backfill-no-primary-key': 2,
  'backfill-spec-mismatch': 2,
  'backfill-in-transaction': 2,
  // 3: refused for safety
  drift: 3,
  'out-of-order': 3,
  unconfirmed: 3,
  irreversible: 3,
  unsafe: 3,
  'resume-uncertain': 3,
  'resume-changed': 3,
  'already-applied': 3,
  'already-reverted': 3,
  'foreign-history': 3,
  'import-unmapped': 3,
  'online-active': 3,
  'online-busy': 3,
  'online-changed': 3,
  'online-aborting': 3,
  'online-completed': 3,
  'online-not-active': 3,
  'online-plan-format': 3,
} as const satisfies Record<string, ExitCode>;

/** A stable error code (see {@link EXIT_CODES}). */
export type ErrorCode = keyof typeof EXIT_CODES;

/** The codes that exit with `exit`. */
export type CodeWithExit<Exit extends ExitCode> = {
  [Code in ErrorCode]: (typeof EXIT_CODES)[Code] extends Exit ? Code : never;
}[ErrorCode];

export interface ErrorDetails {
  /** Path of the file the error is about, relative to the working directory where possible. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** The SQL statement involved, as written in the file. */
  statement?: string;
  /** What to do about it, one sentence. */
  hint?: string;
  [key: string]: unknown;
}

/**
 * Base class of every error sluice throws on purpose.
 *
 * @example
 * try { await migrator.up(); } catch (e) { if (e instanceof SluiceError) console.error(e.code, e.message); }
 */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  /** What the CLI exits with: always `EXIT_CODES[code]`. */
  readonly exitCode: ExitCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = EXIT_CODES[code];
    this.details = options.details ?? {};
  }

  /** Plain-object form for `--json` output. */
  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

/** Bad command-line usage, an unknown target, a bad argument. Exit 2. */
export class UsageError extends SluiceError {
  constructor(message: string, details?: ErrorDetails) {
    super('usage', message, { details });
  }
}

/** The configuration file or a URL is invalid. Exit 2. */
export class ConfigError extends SluiceError {
  constructor(message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super('config', message, options);
  }
}

/**
 * Codes of {@link MigrationFileError}: `migration-file` (a file cannot be parsed or loaded),
 * `migrations-dir` (the migrations directory is missing, not a directory or unreadable),
 * `migration-unreadable` (an entry named like a migration is a directory, a dangling symlink or
 * unreadable), `migration-encoding` (a file is not valid UTF-8).
 */
export type MigrationFileCode = Extract<
  ErrorCode,
  'migration-file' | 'migrations-dir' | 'migration-unreadable' | 'migration-encoding'
>;

/** A migration file (or the migrations directory) cannot be read, parsed or loaded. Exit 2. */
export class MigrationFileError extends SluiceError {
  constructor(
    message: string,
    options: { cause?: unknown; details?: ErrorDetails; code?: MigrationFileCode } = {},
  ) {
    const { code = 'migration-file', ...rest } = options;
    super(code, message, rest);
  }
}

/** The database server reported an error (with its SQLSTATE in `details.sqlState`). Exit 1. */
export class DatabaseError extends SluiceError {
  constructor(message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super('database', message, options);
  }
}

/** A migration failed while it ran. `details` names the file, statement, line and SQLSTATE. Exit 1. */
export class MigrationFailedError extends SluiceError {
  /** The statement could not get a lock within `lock_timeout`: the runner may retry the whole step. */
  readonly lockTimeout: boolean;
  constructor(
    message: string,
    options: { cause?: unknown; details?: ErrorDetails; lockTimeout?: boolean } = {},
  ) {
    super('migration-failed', message, options);
    this.lockTimeout = options.lockTimeout ?? false;
  }
}

/**
 * sluice refused to go on because going on could lose data or hide a mistake: drift, an
 * out-of-order migration, an unconfirmed rollback, unsafe lint findings. Exit 3.
 */
export class RefusedError extends SluiceError {
  declare readonly code: CodeWithExit<3>;
  constructor(code: CodeWithExit<3>, message: string, details?: ErrorDetails) {
    super(code, message, { details });
  }
}

/** The runner lock could not be had in time. Exit 1. */
export class LockTimeoutError extends SluiceError {
  constructor(message: string, details?: ErrorDetails) {
    super('lock-timeout', message, { details });
  }
}

/** Turns anything thrown into a message, without losing a SluiceError's own text. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
