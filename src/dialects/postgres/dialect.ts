/**
 * PostgreSQL as a SQL flavour: shared by the `pg` driver (real server) and the PGlite driver
 * (embedded), which speak the same SQL.
 */
import { postgresQuoting, type SqlFragment, sql } from '../../sql/tag.js';
import type {
  Connection,
  DatabaseErrorInfo,
  Dialect,
  ServerVersion,
  SessionSettings,
  TransactionControl,
} from '../dialect.js';

/** SQLSTATE 55P03: lock_not_available (what `lock_timeout` raises). */
const LOCK_NOT_AVAILABLE = '55P03';
/** SQLSTATE 40P01: deadlock_detected. */
const DEADLOCK_DETECTED = '40P01';
/** SQLSTATE 40001: serialization_failure. */
const SERIALIZATION_FAILURE = '40001';
/** SQLSTATEs 42P07 duplicate_table (also an index), 42P06 duplicate_schema, 42710 duplicate_object. */
const ALREADY_EXISTS = new Set(['42P07', '42P06', '42710']);
/** SQLSTATE 22012: division_by_zero. */
const DIVISION_BY_ZERO = '22012';
/** SQLSTATE 25001: active_sql_transaction ("… cannot run inside a transaction block"). */
const ACTIVE_SQL_TRANSACTION = '25001';
/** SQLSTATE 23505: unique_violation. */
const UNIQUE_VIOLATION = '23505';
/** SQLSTATE 42P01: undefined_table. */
const UNDEFINED_TABLE = '42P01';
/** SQLSTATE 3F000: invalid_schema_name. */
const INVALID_SCHEMA = '3F000';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);

/** Builds, drops and rebuilds of indexes CONCURRENTLY: they take no lock that blocks reads or writes. */
const CONCURRENT_INDEX_WORK =
  /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:create\s+(?:unique\s+)?index\s+concurrently|drop\s+index\s+concurrently|reindex\s+(?:\([^)]*\)\s*)?(?:index|table|schema)\s+concurrently)\b/i;

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * A version from `server_version_num`: 150004 is 15.4; before PostgreSQL 10 the first two numbers
 * made the release, so 90624 (9.6.24) is major 9, minor 6. Null for anything else.
 *
 * @example
 * parseServerVersionNum('150004') // { major: 15, minor: 4 }
 */
export function parseServerVersionNum(text: unknown): ServerVersion | null {
  const num = Number(text);
  if (!Number.isInteger(num) || num < 10000) return null;
  const major = Math.floor(num / 10000);
  return { major, minor: major >= 10 ? num % 10000 : Math.floor(num / 100) % 100 };
}

/** PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1). */
export const POSTGRES_MAX_IDENTIFIER_BYTES = 63;

/**
 * The PostgreSQL dialect.
 *
 * @example
 * postgresDialect.sessionSettings({ lockTimeoutMs: 3000, statementTimeoutMs: 0 }, { local: true })
 * // ["SET LOCAL lock_timeout = '3000ms'", "SET LOCAL statement_timeout = '0ms'"]
 */
export const postgresDialect: Dialect = {
  name: 'postgres',
  quoting: postgresQuoting,
  capabilities: { transactionalDdl: true, onlineMigrations: true },
  maxIdentifierLength: POSTGRES_MAX_IDENTIFIER_BYTES,

  sessionSettings(settings: SessionSettings, scope: { local: boolean }): string[] {
    const set = scope.local ? 'SET LOCAL' : 'SET';
    const ms = (millis: number) => `'${Math.max(0, Math.floor(millis))}ms'`;
    return [
      `${set} lock_timeout = ${ms(settings.lockTimeoutMs)}`,
      `${set} statement_timeout = ${ms(settings.statementTimeoutMs)}`,
    ];
  },

  deferredCommit(): string[] {
    return ['SET LOCAL synchronous_commit = off'];
  },

  errorInfo(error: unknown): DatabaseErrorInfo {
    const code = str(field(error, 'code'));
    const position = Number(field(error, 'position'));
    const message = error instanceof Error ? error.message : String(error);
    const connection =
      (code !== undefined &&
        (CONNECTION_CODES.has(code) || code.startsWith('08') || code === '28P01' || code === '28000')) ||
      /Connection terminated|connection is closed/i.test(message);
    const lockTimeout = code === LOCK_NOT_AVAILABLE;
    const deadlock = code === DEADLOCK_DETECTED;
    return {
      message,
      code,
      position: Number.isFinite(position) && position > 0 ? position : undefined,
      detail: str(field(error, 'detail')),
      hint: str(field(error, 'hint')),
      lockTimeout,
      connection,
      needsNoTransaction: code === ACTIVE_SQL_TRANSACTION,
      uniqueViolation: code === UNIQUE_VIOLATION,
      deadlock,
      retryable: lockTimeout || deadlock || code === SERIALIZATION_FAILURE,
      alreadyExists: code !== undefined && ALREADY_EXISTS.has(code),
      divisionByZero: code === DIVISION_BY_ZERO,
    };
  },

  historyTableDdl(table: SqlFragment, schema: SqlFragment | null): SqlFragment[] {
    const ddl: SqlFragment[] = [];
    if (schema) ddl.push(sql`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    ddl.push(sql`CREATE TABLE IF NOT EXISTS ${table} (
  version text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  checksum text NOT NULL,
  status text NOT NULL DEFAULT 'applied',
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL DEFAULT 0,
  applied_by text NOT NULL DEFAULT '',
  statements_done integer NOT NULL DEFAULT 0,
  statements_total integer NOT NULL DEFAULT 0,
  progress text,
  failure text,
  down_info text,
  class text
)`);
    return ddl;
  },

  async serverVersion(conn: Connection): Promise<ServerVersion | null> {
    const rows = (await conn.query<Record<string, unknown>>('SHOW server_version_num')).rows;
    return parseServerVersionNum(Object.values(rows[0] ?? {})[0]);
  },

  operations: () => import('./operations.js').then((m) => m.postgresOperations),

  introspect: (conn, options) =>
    import('./introspect/index.js').then((m) => m.introspectPostgres(conn, options)),
  catalog: () => import('./catalog.js').then((m) => m.postgresCatalog),

  linter: () => import('./linter.js').then((m) => m.postgresLinter),

  transactionControl(statement: string): TransactionControl {
    const word = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*([a-z]+)(?:\s+([a-z]+))?/i.exec(statement);
    const first = word?.[1]?.toLowerCase();
    const second = word?.[2]?.toLowerCase();
    if (first === 'begin' || (first === 'start' && second === 'transaction')) return 'begin';
    if (first === 'commit' || first === 'end' || first === 'rollback' || first === 'abort') {
      // COMMIT PREPARED / ROLLBACK PREPARED end another (prepared) transaction, not this one.
      // ROLLBACK TO SAVEPOINT stays inside the transaction.
      return second === 'prepared' || second === 'to' ? 'other' : 'end';
    }
    if (first === 'savepoint' || first === 'release' || (first === 'prepare' && second === 'transaction'))
      return 'other';
    return null;
  },

  waitsWithoutBlocking(statement: string): boolean {
    return CONCURRENT_INDEX_WORK.test(statement);
  },

  settleInterrupted: (conn, statement, inFlight) =>
    import('./interrupted.js').then((m) => m.settleInterrupted(conn, statement, inFlight)),

  isUndefinedTable(error: unknown): boolean {
    const code = field(error, 'code');
    return code === UNDEFINED_TABLE || code === INVALID_SCHEMA;
  },
};
