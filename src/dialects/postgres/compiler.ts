/**
 * Compiles typed operations to PostgreSQL statements: a pure function of the operation and a small
 * context. Every statement carries what it locks, whether it rewrites or scans the table and whether
 * it may run in a transaction; the compiler knows this because it chose the statement.
 *
 * Safe by default on a table that existed before the migration (each has a per-operation opt-out,
 * documented on the operation type): indexes are built and dropped `CONCURRENTLY`; foreign keys and
 * checks are added `NOT VALID` and validated separately; `SET NOT NULL` goes through a validated
 * check; unique constraints are attached to a concurrently built index; volatile defaults are split
 * so that adding them does not rewrite the table.
 */
import { MigrationFileError } from '../../errors.js';
import { formatName } from '../../operations/names.js';
import type { Operation, OperationKind, OperationOf, QualifiedName } from '../../operations/types.js';
import { join, literal, postgresQuoting, raw, render, type SqlFragment, sql } from '../../sql/tag.js';
import type { OperationStatement, ServerVersion } from '../dialect.js';
import {
  ACCESS_EXCLUSIVE,
  addColumnStatements,
  addConstraintStatements,
  alterColumnStatements,
  checked,
  columnSql,
  comment,
  constraintSql,
  createIndex,
  inSchema,
  isNew,
  lock,
  qualified,
  quoted,
  quotedList,
  referencesSql,
  SHARE_ROW_EXCLUSIVE,
  SHARE_UPDATE_EXCLUSIVE,
  statement,
  uniqueViaIndex,
} from './compiler-parts.js';

/** A compiled PostgreSQL statement: SQL with the locks (in PostgreSQL's modes) it takes. */
type Statement = OperationStatement<LockMode>;

/** PostgreSQL table lock modes sluice statements take. */
export type LockMode =
  | 'ACCESS EXCLUSIVE'
  | 'SHARE ROW EXCLUSIVE'
  | 'SHARE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'ROW SHARE';

/** What the compiler needs to know beyond the operation. */
export interface CompileContext {
  /** Tables created earlier in this migration (`formatName` keys): they are empty, so no safe dance. */
  newTables: ReadonlySet<string>;
  /** The target server's version (15.4: `{ major: 15, minor: 4 }`). */
  server: ServerVersion;
}

type Compile<O> = (op: O, ctx: CompileContext) => Statement[];

const compilers: { readonly [K in OperationKind]: Compile<OperationOf<K>> } = {
  createTable(op) {
    const parts = [
      ...op.columns.map((column) => columnSql(column)),
      ...(op.constraints ?? []).map(constraintSql),
    ];
    const refs = new Map<string, QualifiedName>();
    for (const column of op.columns)
      if (column.references) refs.set(formatName(column.references.table), column.references.table);
    for (const constraint of op.constraints ?? []) {
      const target =
        constraint.type === 'foreignKey'
          ? constraint.references.table
          : constraint.type === 'raw'
            ? constraint.references
            : undefined;
      if (target !== undefined) refs.set(formatName(target), target);
    }
    refs.delete(formatName(op.table));
    const locks = [
      lock(ACCESS_EXCLUSIVE, op.table),
      ...[...refs.values()].map((target) => lock(SHARE_ROW_EXCLUSIVE, target)),
    ];
    const out = [statement(sql`CREATE TABLE ${qualified(op.table)} (${join(parts)})`, locks)];
    if (op.comment !== undefined) out.push(comment('TABLE', qualified(op.table), op.comment, op.table));
    for (const column of op.columns) {
      if (column.comment === undefined) continue;
      out.push(
        comment(
          'COLUMN',
          quoted(...(op.table.schema ? [op.table.schema] : []), op.table.name, column.name),
          column.comment,
          op.table,
        ),
      );
    }
    return out;
  },
  dropTable: (op) => [
    statement(
      sql`DROP TABLE ${raw(op.ifExists ? 'IF EXISTS ' : '')}${qualified(op.table)}${raw(op.cascade ? ' CASCADE' : '')}`,
      [lock(ACCESS_EXCLUSIVE, op.table)],
    ),
  ],
  renameTable: (op) => [
    statement(sql`ALTER TABLE ${qualified(op.table)} RENAME TO ${quoted(op.to)}`, [
      lock(ACCESS_EXCLUSIVE, op.table),
    ]),
  ],
  addColumn: addColumnStatements,
  dropColumn: (op) => [
    statement(sql`ALTER TABLE ${qualified(op.table)} DROP COLUMN ${quoted(op.column)}`, [
      lock(ACCESS_EXCLUSIVE, op.table),
    ]),
  ],
  renameColumn: (op) => [
    statement(
      sql`ALTER TABLE ${qualified(op.table)} RENAME COLUMN ${quoted(op.column)} TO ${quoted(op.to)}`,
      [lock(ACCESS_EXCLUSIVE, op.table)],
    ),
  ],
  alterColumn: alterColumnStatements,
  addIndex(op, ctx) {
    let tail: SqlFragment;
    if (op.definition !== undefined) tail = raw(op.definition);
    else {
      const keys = (op.columns ?? []).map((key) =>
        typeof key === 'string' ? quoted(key) : sql`(${raw(key.expression)})`,
      );
      tail = sql`${op.method ? sql`USING ${raw(op.method)} ` : raw('')}(${join(keys)})`;
      if (op.include !== undefined) tail = sql`${tail} INCLUDE (${quotedList(op.include)})`;
      if (op.where !== undefined) tail = sql`${tail} WHERE ${raw(op.where)}`;
    }
    const out = [createIndex(op.table, op.name, op.unique === true, tail, op.concurrently, ctx)];
    if (op.comment !== undefined)
      out.push(comment('INDEX', inSchema(op.table, op.name), op.comment, op.table));
    return out;
  },
  dropIndex(op, ctx) {
    const concurrent = !isNew(ctx, op.table) && op.concurrently !== false;
    const fragment = sql`DROP INDEX ${raw(concurrent ? 'CONCURRENTLY ' : '')}${raw(op.ifExists ? 'IF EXISTS ' : '')}${inSchema(op.table, op.name)}`;
    if (!concurrent) return [statement(fragment, [lock(ACCESS_EXCLUSIVE, op.table)])];
    return [
      statement(fragment, [lock(SHARE_UPDATE_EXCLUSIVE, op.table)], {
        transactional: false,
        note: 'dropped CONCURRENTLY outside a transaction',
      }),
    ];
  },
  addForeignKey(op, ctx) {
    const references = op.references;
    const body = sql`FOREIGN KEY (${quotedList(op.columns)}) ${referencesSql(references)}`;
    const locks = {
      add: [lock(SHARE_ROW_EXCLUSIVE, op.table), lock(SHARE_ROW_EXCLUSIVE, references.table)],
      validate: [lock(SHARE_UPDATE_EXCLUSIVE, op.table), lock('ROW SHARE', references.table)],
    };
    return checked(op.table, op.name, body, op.validate ?? 'separate', locks, ctx);
  },
  addCheck(op, ctx) {
    const locks = {
      add: [lock(ACCESS_EXCLUSIVE, op.table)],
      validate: [lock(SHARE_UPDATE_EXCLUSIVE, op.table)],
    };
    return checked(
      op.table,
      op.name,
      sql`CHECK (${raw(op.expression)})`,
      op.validate ?? 'separate',
      locks,
      ctx,
    );
  },
  addUnique(op, ctx) {
    if (isNew(ctx, op.table) || op.concurrently === false) {
      const fragment = sql`ALTER TABLE ${qualified(op.table)} ADD CONSTRAINT ${quoted(op.name)} UNIQUE (${quotedList(op.columns)})`;
      return [statement(fragment, [lock(ACCESS_EXCLUSIVE, op.table)], { scans: !isNew(ctx, op.table) })];
    }
    return uniqueViaIndex(op.table, op.name, 'UNIQUE', sql`(${quotedList(op.columns)})`, ctx);
  },
  addConstraint: addConstraintStatements,
  dropConstraint: (op) => [
    statement(
      sql`ALTER TABLE ${qualified(op.table)} DROP CONSTRAINT ${raw(op.ifExists ? 'IF EXISTS ' : '')}${quoted(op.name)}`,
      [lock(ACCESS_EXCLUSIVE, op.table)],
    ),
  ],
  createEnum: (op) => [
    statement(
      sql`CREATE TYPE ${qualified(op.type)} AS ENUM (${join(op.values.map((value) => literal(value)))})`,
      [],
    ),
  ],
  dropEnum: (op) => [
    statement(sql`DROP TYPE ${raw(op.ifExists ? 'IF EXISTS ' : '')}${qualified(op.type)}`, []),
  ],
  addEnumValue(op, ctx) {
    let fragment = sql`ALTER TYPE ${qualified(op.type)} ADD VALUE ${raw(op.ifNotExists ? 'IF NOT EXISTS ' : '')}${literal(op.value)}`;
    if (op.before !== undefined) fragment = sql`${fragment} BEFORE ${literal(op.before)}`;
    if (op.after !== undefined) fragment = sql`${fragment} AFTER ${literal(op.after)}`;
    const inTx = ctx.server.major >= 12;
    const note = inTx
      ? 'the new value cannot be used before the transaction commits'
      : 'cannot run in a transaction before PostgreSQL 12';
    return [statement(fragment, [], { transactional: inTx, note })];
  },
  createView(op) {
    let fragment = sql`CREATE ${raw(op.orReplace ? 'OR REPLACE ' : '')}VIEW ${qualified(op.view)}`;
    if (op.columns !== undefined) fragment = sql`${fragment} (${quotedList(op.columns)})`;
    const options = Object.entries(op.options ?? {}).map(
      ([key, value]) => sql`${quoted(key)} = ${literal(value)}`,
    );
    if (options.length > 0) fragment = sql`${fragment} WITH (${join(options)})`;
    const out = [statement(sql`${fragment} AS ${raw(op.query)}`, [lock(ACCESS_EXCLUSIVE, op.view)])];
    if (op.comment !== undefined) out.push(comment('VIEW', qualified(op.view), op.comment, op.view));
    return out;
  },
  dropView: (op) => [
    statement(
      sql`DROP VIEW ${raw(op.ifExists ? 'IF EXISTS ' : '')}${qualified(op.view)}${raw(op.cascade ? ' CASCADE' : '')}`,
      [lock(ACCESS_EXCLUSIVE, op.view)],
    ),
  ],
  sql(op) {
    const { text, values } = render(op.statement, postgresQuoting);
    return [
      {
        sql: text,
        ...(values.length > 0 ? { values } : {}),
        transactional: op.transactional ?? true,
        locks: [],
        rewrites: false,
        scans: false,
        note: 'raw SQL: sluice does not know what it locks or rewrites',
        written: true,
      },
    ];
  },
};

/**
 * Compiles one operation to the statements that apply it, in order.
 *
 * @example
 * compileOperation(addIndex('users', ['email']), { newTables: new Set(), server: { major: 15, minor: 0 } })
 * // [{ sql: 'CREATE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email")', transactional: false, … }]
 */
export function compileOperation(op: Operation, ctx: CompileContext): Statement[] {
  const compile = compilers[op.kind] as Compile<Operation> | undefined;
  if (compile === undefined)
    throw new MigrationFileError(`Unknown operation kind ${JSON.stringify(op.kind)}`);
  const out = compile(op, ctx);
  const first = out[0];
  if (op.note !== undefined && first !== undefined)
    first.note = first.note ? `${op.note}. ${first.note}` : op.note;
  return out;
}

/**
 * The context after `op` has run: a created table counts as new (and follows a rename), a dropped
 * one no longer does.
 *
 * @example
 * let ctx = { newTables: new Set<string>(), server };
 * for (const op of ops) { run(compileOperation(op, ctx)); ctx = advanceContext(ctx, op); }
 */
export function advanceContext(ctx: CompileContext, op: Operation): CompileContext {
  if (op.kind !== 'createTable' && op.kind !== 'dropTable' && op.kind !== 'renameTable') return ctx;
  const next = new Set(ctx.newTables);
  const key = formatName(op.table);
  if (op.kind === 'createTable') next.add(key);
  else if (next.delete(key) && op.kind === 'renameTable') next.add(formatName({ ...op.table, name: op.to }));
  return { ...ctx, newTables: next };
}

/**
 * Compiles a list of operations, tracking the tables they create.
 *
 * @example
 * compileOperations(deriveDown(ops, captured).operations, { newTables: new Set(), server })
 */
export function compileOperations(ops: readonly Operation[], ctx: CompileContext): Statement[] {
  const out: Statement[] = [];
  let current = ctx;
  for (const op of ops) {
    out.push(...compileOperation(op, current));
    current = advanceContext(current, op);
  }
  return out;
}
