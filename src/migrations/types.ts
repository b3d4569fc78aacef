/**
 * What a migration is, independent of where it came from (.sql, .ts, .js).
 */
import type { QueryResult } from '../dialects/dialect.js';
import type { Operation } from '../operations/types.js';
import type { SqlFragment } from '../sql/tag.js';

/** One statement of a SQL migration, with where it stands in its file. */
/** Pacing options a migration may give `db.backfill()`: see the backfill engine's options. */
export type BackfillPacing = import('../online/backfill/types.js').BackfillPacing;

export interface SqlStatement {
  /** The statement text as written, without the trailing semicolon and leading comments. */
  sql: string;
  /** 1-based line of the statement's first token in the file. */
  line: number;
  /** 1-based column of the statement's first token. */
  column: number;
  /** 0-based character offset of the statement's first token in the file. */
  offset: number;
  /** Comments between the previous statement and this one, as written (for ignore directives). */
  leadingComments: string[];
}

/** The `db` a TypeScript migration receives in `up(db)` / `down(db)`. */
export interface MigrationDb {
  /**
   * Runs one statement built with the tagged template; values are bound parameters.
   *
   * @example
   * await db.sql`UPDATE ${db.ident('users')} SET active = ${true}`;
   */
  sql<R = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<R[]>;
  /** Runs SQL text as written (one statement, or several for a non-parameterised script). */
  exec(text: string): Promise<void>;
  /** Runs one statement with `$n` parameters and returns its result. */
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a fragment built with `sql`/`ident`/`raw`. */
  run<R = Record<string, unknown>>(fragment: SqlFragment): Promise<R[]>;
  /** A quoted identifier for use inside `db.sql`. */
  ident(...names: string[]): SqlFragment;
  /** Trusted SQL text for use inside `db.sql`. */
  raw(text: string): SqlFragment;
  /**
   * Updates every row of a table in keyset batches, each in its own short transaction, with a
   * checkpoint after each batch (resumable after a crash). Needs `transaction: false`. The third
   * argument tunes the pacing (the engine's defaults otherwise).
   *
   * @example
   * await db.backfill('users', { set: { email_address: 'email' }, where: 'email_address IS NULL' });
   * await db.backfill('users', { set: { v: '0' } }, { targetBatchMs: 20, maxReplicationLagBytes: 64e6 });
   */
  backfill?(
    table: string,
    spec: { set: Record<string, string>; where?: string },
    pacing?: BackfillPacing,
  ): Promise<void>;
  /** True during `--dry-run`, `plan` and `lint`: statements are recorded, not run, and reads return no rows. */
  readonly dryRun: boolean;
}

/** A step function of a TypeScript migration. */
export type MigrationFn = (db: MigrationDb) => Promise<void> | void;

/** What `defineMigration` accepts. */
export interface MigrationDefinition {
  /** Applies the change. */
  up?: MigrationFn;
  /** Reverts it. Omit to let sluice derive it from typed operations (when they are all reversible). */
  down?: MigrationFn | null;
  /** `false` runs the migration outside a transaction, statement by statement, with progress recorded. */
  transaction?: boolean;
  /**
   * Acknowledged linter findings, rule id → reason (the TypeScript form of a
   * `-- sluice-ignore-file <rule>: <reason>` comment).
   *
   * @example
   * ignore: { 'ban-drop-column': 'the column has been unused since v2.3' }
   */
  ignore?: Record<string, string>;
  /** Zero-downtime migration: expand on `up`, contract on `complete`, rollback on `abort`. */
  online?: boolean;
  /** Operations of an online migration. */
  operations?: (op: any) => unknown[];
}

const DEFINED = Symbol.for('sluice.migration');

/** A migration definition returned by {@link defineMigration}. */
export type DefinedMigration = MigrationDefinition & { readonly [DEFINED]: true };

/**
 * Declares a TypeScript or JavaScript migration. The file's default export must be its result.
 *
 * @example
 * import { defineMigration } from 'sluice';
 * export default defineMigration({
 *   async up(db) { await db.sql`CREATE TABLE ${db.ident('notes')} (id bigint PRIMARY KEY)`; },
 *   async down(db) { await db.sql`DROP TABLE ${db.ident('notes')}`; },
 * });
 */
export function defineMigration<T extends MigrationDefinition>(
  definition: T,
): T & { readonly [DEFINED]: true } {
  return Object.assign(definition, { [DEFINED]: true as const });
}

/** True for objects made by {@link defineMigration}. */
export function isDefinedMigration(x: unknown): x is DefinedMigration {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[DEFINED] === true;
}

/** The kind of source a migration was read from. */
export type MigrationKind = 'sql' | 'ts' | 'js';

/** One direction of a loaded migration. */
export type MigrationStep =
  | { kind: 'sql'; statements: SqlStatement[]; transaction: boolean; line: number }
  | { kind: 'fn'; fn: MigrationFn; transaction: boolean }
  /** Operations derived by sluice (an automatic down); `notes` say what they cannot restore. */
  | { kind: 'ops'; operations: Operation[]; transaction: boolean; notes: string[] };

/** A migration with its code loaded. */
export interface LoadedMigration {
  up: MigrationStep;
  /** null when the file has no down step. */
  down: MigrationStep | null;
  /** The raw definition of a TypeScript/JavaScript migration (for typed and online operations). */
  definition?: MigrationDefinition;
}

/** A migration file found on disk; its code is loaded only when needed. */
export interface MigrationFile {
  /** Digits before the first underscore: a UTC timestamp `YYYYMMDDHHMMSS` from `sluice new`. */
  version: string;
  /** The slug after the version, e.g. `create_users`. */
  name: string;
  /** Path as given (relative to the working directory when the directory was). */
  path: string;
  kind: MigrationKind;
  /** sha256 (hex) of the normalized file text. */
  checksum: string;
  /** The file's text. */
  text: string;
  /**
   * The whole file is the up step, with no `-- migrate:up` marker and no down (Prisma's
   * `migration.sql`, Flyway's `V<n>__x.sql`).
   */
  plain?: boolean;
}
