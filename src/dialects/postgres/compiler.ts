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
import {
  AE,
  addColumnStatements,
  addConstraintStatements,
  alterColumnStatements,
  checked,
  columnSql,
  comment,
  constraintSql,
  createIndex,
  id,
  ids,
  inSchema,
  isNew,
  lock,
  q,
  referencesSql,
  SRE,
  SUE,
  st,
  uniqueViaIndex,
} from './compiler-parts.js';

/** One statement to run, with what it does to the table. */
export interface CompiledStatement {
  /** Rendered with `postgresQuoting`; identifiers always quoted. */
  sql: string;
  /** Bound parameters (only raw `sql` operations written with values have them). */
  values?: unknown[];
  /**
   * False: run it on its own, outside any transaction, after everything before it has committed
   * (`CONCURRENTLY` requires it; a separate `VALIDATE` needs it to not hold the earlier lock).
   */
  transactional: boolean;
  /** Table-level locks it takes: `{ mode: 'ACCESS EXCLUSIVE', table: 'app.users' }`. */
  locks: { mode: LockMode; table: string }[];
  /** Rewrites the table (and its indexes). */
  rewrites: boolean;
  /** Reads every row (validation, index build). */
  scans: boolean;
  /** Why it is done this way, for plan output. */
  note?: string;
  /** The user's own SQL (a `sql` operation), passed through as written rather than generated. */
  written?: boolean;
}

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
  /** `server_version_num`, e.g. 150004. */
  pgVersion: number;
}

type Compile<O> = (op: O, ctx: CompileContext) => CompiledStatement[];

const compilers: { readonly [K in OperationKind]: Compile<OperationOf<K>> } = {
  createTable(op) {
    const parts = [...op.columns.map((c) => columnSql(c)), ...(op.constraints ?? []).map(constraintSql)];
    const refs = new Map<string, QualifiedName>();
    for (const c of op.columns)
      if (c.references) refs.set(formatName(c.references.table), c.references.table);
    for (const c of op.constraints ?? []) {
      const r = c.type === 'foreignKey' ? c.references.table : c.type === 'raw' ? c.references : undefined;
      if (r !== undefined) refs.set(formatName(r), r);
    }
    refs.delete(formatName(op.table));
    const locks = [lock(AE, op.table), ...[...refs.values()].map((r) => lock(SRE, r))];
    const out = [st(sql`CREATE TABLE ${q(op.table)} (${join(parts)})`, locks)];
    if (op.comment !== undefined) out.push(comment('TABLE', q(op.table), op.comment, op.table));
    for (const c of op.columns) {
      if (c.comment === undefined) continue;
      out.push(
        comment(
          'COLUMN',
          id(...(op.table.schema ? [op.table.schema] : []), op.table.name, c.name),
          c.comment,
          op.table,
        ),
      );
    }
    return out;
  },
  dropTable: (op) => [
    st(
      sql`DROP TABLE ${raw(op.ifExists ? 'IF EXISTS ' : '')}${q(op.table)}${raw(op.cascade ? ' CASCADE' : '')}`,
      [lock(AE, op.table)],
    ),
  ],
  renameTable: (op) => [st(sql`ALTER TABLE ${q(op.table)} RENAME TO ${id(op.to)}`, [lock(AE, op.table)])],
  addColumn: addColumnStatements,
  dropColumn: (op) => [
    st(sql`ALTER TABLE ${q(op.table)} DROP COLUMN ${id(op.column)}`, [lock(AE, op.table)]),
  ],
  renameColumn: (op) => [
    st(sql`ALTER TABLE ${q(op.table)} RENAME COLUMN ${id(op.column)} TO ${id(op.to)}`, [lock(AE, op.table)]),
  ],
  alterColumn: alterColumnStatements,
  addIndex(op, ctx) {
    let tail: SqlFragment;
    if (op.definition !== undefined) tail = raw(op.definition);
    else {
      const keys = (op.columns ?? []).map((k) =>
        typeof k === 'string' ? id(k) : sql`(${raw(k.expression)})`,
      );
      tail = sql`${op.method ? sql`USING ${raw(op.method)} ` : raw('')}(${join(keys)})`;
      if (op.include !== undefined) tail = sql`${tail} INCLUDE (${ids(op.include)})`;
      if (op.where !== undefined) tail = sql`${tail} WHERE ${raw(op.where)}`;
    }
    const out = [createIndex(op.table, op.name, op.unique === true, tail, op.concurrently, ctx)];
    if (op.comment !== undefined)
      out.push(comment('INDEX', inSchema(op.table, op.name), op.comment, op.table));
    return out;
  },
  dropIndex(op, ctx) {
    const conc = !isNew(ctx, op.table) && op.concurrently !== false;
    const f = sql`DROP INDEX ${raw(conc ? 'CONCURRENTLY ' : '')}${raw(op.ifExists ? 'IF EXISTS ' : '')}${inSchema(op.table, op.name)}`;
    if (!conc) return [st(f, [lock(AE, op.table)])];
    return [
      st(f, [lock(SUE, op.table)], {
        transactional: false,
        note: 'dropped CONCURRENTLY outside a transaction',
      }),
    ];
  },
  addForeignKey(op, ctx) {
    const r = op.references;
    const body = sql`FOREIGN KEY (${ids(op.columns)}) ${referencesSql(r)}`;
    const locks = {
      add: [lock(SRE, op.table), lock(SRE, r.table)],
      validate: [lock(SUE, op.table), lock('ROW SHARE', r.table)],
    };
    return checked(op.table, op.name, body, op.validate ?? 'separate', locks, ctx);
  },
  addCheck(op, ctx) {
    const locks = { add: [lock(AE, op.table)], validate: [lock(SUE, op.table)] };
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
      const f = sql`ALTER TABLE ${q(op.table)} ADD CONSTRAINT ${id(op.name)} UNIQUE (${ids(op.columns)})`;
      return [st(f, [lock(AE, op.table)], { scans: !isNew(ctx, op.table) })];
    }
    return uniqueViaIndex(op.table, op.name, 'UNIQUE', sql`(${ids(op.columns)})`, ctx);
  },
  addConstraint: addConstraintStatements,
  dropConstraint: (op) => [
    st(
      sql`ALTER TABLE ${q(op.table)} DROP CONSTRAINT ${raw(op.ifExists ? 'IF EXISTS ' : '')}${id(op.name)}`,
      [lock(AE, op.table)],
    ),
  ],
  createEnum: (op) => [
    st(sql`CREATE TYPE ${q(op.type)} AS ENUM (${join(op.values.map((v) => literal(v)))})`, []),
  ],
  dropEnum: (op) => [st(sql`DROP TYPE ${raw(op.ifExists ? 'IF EXISTS ' : '')}${q(op.type)}`, [])],
  addEnumValue(op, ctx) {
    let f = sql`ALTER TYPE ${q(op.type)} ADD VALUE ${raw(op.ifNotExists ? 'IF NOT EXISTS ' : '')}${literal(op.value)}`;
    if (op.before !== undefined) f = sql`${f} BEFORE ${literal(op.before)}`;
    if (op.after !== undefined) f = sql`${f} AFTER ${literal(op.after)}`;
    const inTx = ctx.pgVersion >= 120000;
    const note = inTx
      ? 'the new value cannot be used before the transaction commits'
      : 'cannot run in a transaction before PostgreSQL 12';
    return [st(f, [], { transactional: inTx, note })];
  },
  createView(op) {
    let f = sql`CREATE ${raw(op.orReplace ? 'OR REPLACE ' : '')}VIEW ${q(op.view)}`;
    if (op.columns !== undefined) f = sql`${f} (${ids(op.columns)})`;
    const options = Object.entries(op.options ?? {}).map(([k, v]) => sql`${id(k)} = ${literal(v)}`);
    if (options.length > 0) f = sql`${f} WITH (${join(options)})`;
    const out = [st(sql`${f} AS ${raw(op.query)}`, [lock(AE, op.view)])];
    if (op.comment !== undefined) out.push(comment('VIEW', q(op.view), op.comment, op.view));
    return out;
  },
  dropView: (op) => [
    st(
      sql`DROP VIEW ${raw(op.ifExists ? 'IF EXISTS ' : '')}${q(op.view)}${raw(op.cascade ? ' CASCADE' : '')}`,
      [lock(AE, op.view)],
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
 * compileOperation(addIndex('users', ['email']), { newTables: new Set(), pgVersion: 150000 })
 * // [{ sql: 'CREATE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email")', transactional: false, … }]
 */
export function compileOperation(op: Operation, ctx: CompileContext): CompiledStatement[] {
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
 * let ctx = { newTables: new Set<string>(), pgVersion };
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
 * compileOperations(deriveDown(ops, captured).operations, { newTables: new Set(), pgVersion })
 */
export function compileOperations(ops: readonly Operation[], ctx: CompileContext): CompiledStatement[] {
  const out: CompiledStatement[] = [];
  let current = ctx;
  for (const op of ops) {
    out.push(...compileOperation(op, current));
    current = advanceContext(current, op);
  }
  return out;
}
