/**
 * sluice's library API. Every CLI command is available here: as a method of the {@link Migrator}
 * when it needs the database, as a function (`initProject`, `newMigration`, `lintMigrations`) when
 * it needs only the project's files. `introspect` reads a live schema into the {@link SchemaModel}.
 *
 * @example
 * import { createMigrator } from 'sluice';
 * const migrator = await createMigrator({ overrides: { url: process.env.DATABASE_URL } });
 * try { await migrator.up(); } finally { await migrator.close(); }
 */

export type { Duration, SluiceConfig, TransactionMode } from './config/define.js';
export { defineConfig, parseDuration } from './config/define.js';
export type { ConfigOverrides, ResolvedConfig } from './config/load.js';
export { loadConfig } from './config/load.js';
export type { DatabaseTarget } from './config/url.js';
export { maskUrl, parseDatabaseUrl } from './config/url.js';
export type { Capabilities, Connection, Dialect, Driver, ServerVersion } from './dialects/dialect.js';
export type { ErrorCode, ExitCode } from './errors.js';
export {
  ConfigError,
  DatabaseError,
  EXIT_CODES,
  LockTimeoutError,
  MigrationFailedError,
  MigrationFileError,
  RefusedError,
  SluiceError,
  UsageError,
} from './errors.js';
export type { LintFormat } from './lint/format/index.js';
export type { Finding, LintReport, Severity } from './lint/types.js';
export { checksum } from './migrations/checksum.js';
export { listMigrations } from './migrations/source.js';
export type { MigrationDb, MigrationDefinition, MigrationFile, MigrationFn } from './migrations/types.js';
export { defineMigration } from './migrations/types.js';
export type {
  BackfillOptions,
  BackfillProgress,
  BackfillResult,
  BackfillSpec,
  BackfillStatus,
} from './online/backfill/index.js';
export { runBackfill } from './online/backfill/index.js';
export type { OnlineOperation } from './online/index.js';
export {
  activeOnlineMigrations,
  latestVersionSchema,
  localSearchPathStatement,
  searchPathHook,
  searchPathOptions,
  searchPathStatement,
  usePgSearchPath,
  versionSchemaName,
  withSearchPathTransaction,
} from './online/index.js';
export type { InitOptions, InitResult } from './project/init.js';
export { initProject } from './project/init.js';
export type { FixedFile, LintMigrationsOptions, LintMigrationsResult } from './project/lint.js';
export { lintMigrations } from './project/lint.js';
export type { NewMigrationOptions } from './project/new-migration.js';
export { newMigration } from './project/new-migration.js';
export type { RunnerEvent } from './runner/execute.js';
export type { MigratorOptions, RunOptions, RunResult } from './runner/migrator.js';
export { createMigrator, Migrator } from './runner/migrator.js';
export type { HistoryRow, MigrationState, Status, StatusEntry } from './runner/plan.js';
export type { PlannedMigration, PlannedStatement } from './runner/plan-report.js';
export type { MigrationClasses } from './runner/status-classes.js';
export type { IntrospectSource, LibraryIntrospectOptions } from './schema/introspect.js';
export { introspect } from './schema/introspect.js';
export type {
  Column,
  CompositeAttribute,
  CompositeType,
  Constraint,
  Dependent,
  Domain,
  EnumType,
  Extension,
  Grant,
  Index,
  IntrospectOptions,
  ObjectName,
  Policy,
  Routine,
  Rule,
  Schema,
  SchemaModel,
  Sequence,
  Statistics,
  Table,
  Trigger,
  View,
  ViewColumn,
} from './schema/model.js';
export { emptySchemaModel } from './schema/model.js';
export type { SqlFragment } from './sql/tag.js';
export { ident, join, literal, raw, sql } from './sql/tag.js';
