/**
 * Building blocks of the PostgreSQL compiler: quoting, column and constraint SQL, and the safe
 * sequences (NOT VALID + VALIDATE, concurrent index builds, split defaults) shared by several
 * operations. Split from `compiler.ts` to keep each file short; everything here is pure.
 */
import { MigrationFileError } from '../../errors.js';
import type { AddConstraintOperation } from '../../operations/add-constraint.js';
import type { ValidateMode } from '../../operations/add-foreign-key.js';
import { defaultName, formatName } from '../../operations/names.js';
import type {
  ColumnDefinition,
  DefaultValue,
  OperationOf,
  QualifiedName,
  ReferentialAction,
  TableConstraint,
} from '../../operations/types.js';
import {
  ident,
  join,
  literal,
  postgresQuoting,
  raw,
  renderInline,
  type SqlFragment,
  sql,
} from '../../sql/tag.js';
import type { OperationStatement } from '../dialect.js';
import type { CompileContext, LockMode } from './compiler.js';
import { POSTGRES_MAX_IDENTIFIER_BYTES } from './dialect.js';
import { isSerialType } from './serial-types.js';

/** A compiled PostgreSQL statement. */
type Statement = OperationStatement<LockMode>;
type Lock = Statement['locks'][number];

/** Lock mode names, as in the PostgreSQL docs. */
export const ACCESS_EXCLUSIVE = 'ACCESS EXCLUSIVE';
export const SHARE_UPDATE_EXCLUSIVE = 'SHARE UPDATE EXCLUSIVE';
export const SHARE_ROW_EXCLUSIVE = 'SHARE ROW EXCLUSIVE';

function checkLength(name: string): string {
  if (Buffer.byteLength(name, 'utf8') > POSTGRES_MAX_IDENTIFIER_BYTES) {
    throw new MigrationFileError(
      `Name "${name}" is longer than ${POSTGRES_MAX_IDENTIFIER_BYTES} bytes: PostgreSQL would truncate it`,
      {
        details: { hint: 'Choose a shorter name (pass `name` for generated index and constraint names).' },
      },
    );
  }
  return name;
}
/** A quoted name, refused past 63 bytes (the server would silently truncate it). */
export const quoted = (...names: string[]) => ident(...names.map(checkLength));
/** A quoted, optionally schema-qualified name: `"app"."users"`. */
export const qualified = (name: QualifiedName) =>
  name.schema === undefined ? quoted(name.name) : quoted(name.schema, name.name);
/** An index lives in its table's schema. */
export const inSchema = (table: QualifiedName, name: string) =>
  table.schema === undefined ? quoted(name) : quoted(table.schema, name);
/** A quoted name list: `"a", "b"`. */
export const quotedList = (names: readonly string[]) => join(names.map((name) => quoted(name)));
/** Lock metadata entry. */
export const lock = (mode: LockMode, table: QualifiedName): Lock => ({ mode, table: formatName(table) });
/** True for a table created earlier in this migration (empty: no safe sequence needed). */
export const isNew = (ctx: CompileContext, table: QualifiedName) => ctx.newTables.has(formatName(table));

/** A compiled statement: transactional, no rewrite or scan unless `extra` says so. */
export function statement(fragment: SqlFragment, locks: Lock[], extra: Partial<Statement> = {}): Statement {
  return {
    sql: renderInline(fragment, postgresQuoting),
    transactional: true,
    locks,
    rewrites: false,
    scans: false,
    ...extra,
  };
}

// Functions whose default differs per row, so PostgreSQL must rewrite to fill existing rows.
const VOLATILE =
  /\b(random|gen_random_uuid|uuid_generate_v1|uuid_generate_v1mc|uuid_generate_v4|clock_timestamp|timeofday|nextval|setseed)\s*\(/i;
const isVolatile = (value: DefaultValue) =>
  typeof value === 'object' && (value.volatile ?? VOLATILE.test(value.sql));
const defaultSql = (value: DefaultValue) => (typeof value === 'object' ? raw(value.sql) : literal(value));
const action = (referential: ReferentialAction) => raw(referential.toUpperCase());

/** `REFERENCES t (cols) ON DELETE … ON UPDATE …`. */
export function referencesSql(references: {
  table: QualifiedName;
  columns?: string[];
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
}): SqlFragment {
  const parts = [sql`REFERENCES ${qualified(references.table)}`];
  if (references.columns !== undefined) parts.push(sql`(${quotedList(references.columns)})`);
  if (references.onDelete !== undefined) parts.push(sql`ON DELETE ${action(references.onDelete)}`);
  if (references.onUpdate !== undefined) parts.push(sql`ON UPDATE ${action(references.onUpdate)}`);
  return join(parts, ' ');
}

/** A column definition as in `CREATE TABLE` / `ADD COLUMN`. */
export function columnSql(column: ColumnDefinition, withDefault = true): SqlFragment {
  const parts = [quoted(column.name), raw(column.type)];
  if (column.collation !== undefined) parts.push(sql`COLLATE ${quoted(column.collation)}`);
  if (column.identity !== undefined)
    parts.push(raw(`GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`));
  if (column.generated !== undefined) parts.push(sql`GENERATED ALWAYS AS (${raw(column.generated)}) STORED`);
  if (column.default !== undefined && withDefault) parts.push(sql`DEFAULT ${defaultSql(column.default)}`);
  if (column.nullable === false) parts.push(raw('NOT NULL'));
  if (column.primaryKey) parts.push(raw('PRIMARY KEY'));
  if (column.unique) parts.push(raw('UNIQUE'));
  if (column.check !== undefined) parts.push(sql`CHECK (${raw(column.check)})`);
  if (column.references !== undefined) {
    const { column: target, ...references } = column.references;
    parts.push(referencesSql(target === undefined ? references : { ...references, columns: [target] }));
  }
  return join(parts, ' ');
}

/** A table constraint of `CREATE TABLE`. */
export function constraintSql(constraint: TableConstraint): SqlFragment {
  const named = constraint.name === undefined ? raw('') : sql`CONSTRAINT ${quoted(constraint.name)} `;
  switch (constraint.type) {
    case 'check':
      return sql`${named}CHECK (${raw(constraint.expression)})`;
    case 'unique':
      return sql`${named}UNIQUE (${quotedList(constraint.columns)})`;
    case 'primaryKey':
      return sql`${named}PRIMARY KEY (${quotedList(constraint.columns)})`;
    case 'foreignKey':
      return sql`${named}FOREIGN KEY (${quotedList(constraint.columns)}) ${referencesSql(constraint.references)}`;
    case 'raw':
      return sql`${named}${raw(constraint.definition)}`;
  }
}

/** `COMMENT ON …` (takes SHARE UPDATE EXCLUSIVE on the object). */
export function comment(
  target: 'TABLE' | 'COLUMN' | 'INDEX' | 'VIEW',
  name: SqlFragment,
  text: string,
  on: QualifiedName,
) {
  return statement(sql`COMMENT ON ${raw(target)} ${name} IS ${literal(text)}`, [
    lock(SHARE_UPDATE_EXCLUSIVE, on),
  ]);
}

/** NOT VALID + separate VALIDATE, or one validating statement (see {@link ValidateMode}). */
export function checked(
  table: QualifiedName,
  name: string,
  body: SqlFragment,
  mode: ValidateMode,
  locks: { add: Lock[]; validate: Lock[] },
  ctx: CompileContext,
): Statement[] {
  const fresh = isNew(ctx, table);
  const add = sql`ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${quoted(name)} ${body}`;
  if (mode === 'immediate' || (fresh && mode === 'separate'))
    return [statement(add, locks.add, { scans: !fresh })];
  const notValid = statement(sql`${add} NOT VALID`, locks.add, {
    note: 'NOT VALID: new writes are checked, existing rows not yet',
  });
  if (mode === 'never') return [notValid];
  const validate = statement(
    sql`ALTER TABLE ${qualified(table)} VALIDATE CONSTRAINT ${quoted(name)}`,
    locks.validate,
    {
      transactional: false,
      scans: true,
      note: 'validated after the NOT VALID step has committed: the scan does not block writes',
    },
  );
  return [notValid, validate];
}

/** `CREATE [UNIQUE] INDEX`, concurrently unless the table is new or `concurrently` is false. */
export function createIndex(
  table: QualifiedName,
  name: string,
  unique: boolean,
  tail: SqlFragment,
  concurrently: boolean | undefined,
  ctx: CompileContext,
): Statement {
  const fresh = isNew(ctx, table);
  const concurrent = !fresh && concurrently !== false;
  // IF NOT EXISTS: a concurrent build runs outside a transaction, so a run that dies can leave it
  // built; the runner settles an interrupted build from the catalog (an invalid index is dropped
  // first, see dialects/postgres/interrupted.ts), and the statement itself is safe to repeat.
  const head = raw(
    `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${concurrent ? 'CONCURRENTLY IF NOT EXISTS ' : ''}`,
  );
  const fragment = sql`${head}${quoted(name)} ON ${qualified(table)} ${tail}`;
  if (!concurrent)
    return statement(fragment, [lock('SHARE', table)], {
      scans: !fresh,
      ...(fresh ? {} : { note: 'blocks writes during the build' }),
    });
  return statement(fragment, [lock(SHARE_UPDATE_EXCLUSIVE, table)], {
    transactional: false,
    scans: true,
    note: 'built CONCURRENTLY outside a transaction: reads and writes continue during the build',
  });
}

/** Unique / primary key attached to a concurrently built index. */
export function uniqueViaIndex(
  table: QualifiedName,
  name: string,
  type: 'UNIQUE' | 'PRIMARY KEY',
  tail: SqlFragment,
  ctx: CompileContext,
): Statement[] {
  const attach = sql`ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${quoted(name)} ${raw(type)} USING INDEX ${quoted(name)}`;
  return [
    createIndex(table, name, true, tail, true, ctx),
    statement(attach, [lock(ACCESS_EXCLUSIVE, table)], { note: 'attaches the built index: brief lock' }),
  ];
}

/** `addColumn`: see `AddColumnOperation` for when the default is split or a rewrite is accepted. */
export function addColumnStatements(op: OperationOf<'addColumn'>, ctx: CompileContext): Statement[] {
  const { table, column } = op;
  const add = (withDefault: boolean) =>
    sql`ALTER TABLE ${qualified(table)} ADD COLUMN ${columnSql(column, withDefault)}`;
  const out: Statement[] = [];
  const fresh = isNew(ctx, table);
  const always =
    column.identity !== undefined ||
    column.generated !== undefined ||
    isSerialType(column.type.trim().toLowerCase());
  const volatile = column.default !== undefined && isVolatile(column.default);
  const splittable = column.default !== undefined && (volatile || ctx.server.major < 11);
  const defaultWhy = volatile
    ? 'the default is volatile'
    : 'before PostgreSQL 11 every default is written to each row';
  if (fresh) out.push(statement(add(true), [lock(ACCESS_EXCLUSIVE, table)]));
  else if (always || (splittable && op.allowRewrite)) {
    const why = always ? 'identity, serial and generated columns fill every row' : defaultWhy;
    out.push(
      statement(add(true), [lock(ACCESS_EXCLUSIVE, table)], {
        rewrites: true,
        scans: true,
        note: `rewrites the table under ACCESS EXCLUSIVE: ${why}`,
      }),
    );
  } else if (splittable) {
    if (column.nullable === false) {
      throw new MigrationFileError(
        `addColumn ${formatName(table)}.${column.name}: this NOT NULL column would rewrite the whole table (${defaultWhy})`,
        {
          details: {
            hint: 'Add it nullable with the default, backfill, then alterColumn nullable: false; or pass allowRewrite: true.',
          },
        },
      );
    }
    out.push(
      statement(add(false), [lock(ACCESS_EXCLUSIVE, table)], {
        note: 'added without its default: existing rows get NULL; backfill them',
      }),
    );
    const value = column.default!;
    out.push(
      statement(
        sql`ALTER TABLE ${qualified(table)} ALTER COLUMN ${quoted(column.name)} SET DEFAULT ${defaultSql(value)}`,
        [lock(ACCESS_EXCLUSIVE, table)],
        {
          note: 'the default applies to new rows only (no rewrite)',
        },
      ),
    );
  } else {
    const note =
      column.nullable === false && column.default === undefined
        ? 'NOT NULL without a default fails if the table has rows'
        : undefined;
    out.push(statement(add(true), [lock(ACCESS_EXCLUSIVE, table)], note === undefined ? {} : { note }));
  }
  if (column.comment !== undefined)
    out.push(
      comment(
        'COLUMN',
        quoted(...(table.schema ? [table.schema] : []), table.name, column.name),
        column.comment,
        table,
      ),
    );
  return out;
}

/** `alterColumn`: one ALTER TABLE, then the safe NOT NULL sequence when needed. */
export function alterColumnStatements(op: OperationOf<'alterColumn'>, ctx: CompileContext): Statement[] {
  const table = op.table;
  const fresh = isNew(ctx, table);
  const alterColumn = sql`ALTER COLUMN ${quoted(op.column)}`;
  // One ALTER TABLE for everything but the safe NOT NULL sequence: one lock, applied atomically.
  const parts: SqlFragment[] = [];
  const extra: Partial<Statement> = {};
  const notes: string[] = [];
  if (op.type !== undefined) {
    // An old default that cannot be cast to the new type makes TYPE fail: drop it first, in the same statement.
    if (op.default !== undefined) parts.push(sql`${alterColumn} DROP DEFAULT`);
    let fragment = sql`${alterColumn} TYPE ${raw(op.type)}`;
    if (op.using !== undefined) fragment = sql`${fragment} USING ${raw(op.using)}`;
    else if (op.usingCast) fragment = sql`${fragment} USING ${quoted(op.column)}::${raw(op.type)}`;
    parts.push(fragment);
    if (!fresh) {
      Object.assign(extra, { rewrites: true, scans: true });
      notes.push(
        'rewrites the table and its indexes under ACCESS EXCLUSIVE unless the change is binary-coercible',
      );
    }
  }
  if (op.default !== undefined && op.default !== null)
    parts.push(sql`${alterColumn} SET DEFAULT ${defaultSql(op.default)}`);
  if (op.default === null && op.type === undefined) parts.push(sql`${alterColumn} DROP DEFAULT`);
  if (op.nullable === true) parts.push(sql`${alterColumn} DROP NOT NULL`);
  const direct = op.nullable === false && (fresh || op.setNotNull === 'direct' || ctx.server.major < 12);
  if (direct) {
    parts.push(sql`${alterColumn} SET NOT NULL`);
    if (!fresh) {
      extra.scans = true;
      notes.push('SET NOT NULL scans the table under ACCESS EXCLUSIVE');
    }
  }
  if (notes.length > 0) extra.note = notes.join('; ');
  const out: Statement[] = [];
  if (parts.length > 0)
    out.push(
      statement(sql`ALTER TABLE ${qualified(table)} ${join(parts)}`, [lock(ACCESS_EXCLUSIVE, table)], extra),
    );
  if (op.nullable === false && !direct) {
    const name = defaultName(table.name, [op.column], 'not_null_check', POSTGRES_MAX_IDENTIFIER_BYTES);
    const body = sql`CHECK (${quoted(op.column)} IS NOT NULL)`;
    const [add, validate] = checked(
      table,
      name,
      body,
      'separate',
      { add: [lock(ACCESS_EXCLUSIVE, table)], validate: [lock(SHARE_UPDATE_EXCLUSIVE, table)] },
      ctx,
    );
    out.push(add!, validate!);
    out.push(
      statement(
        sql`ALTER TABLE ${qualified(table)} ${alterColumn} SET NOT NULL`,
        [lock(ACCESS_EXCLUSIVE, table)],
        {
          note: 'no scan: the validated check proves it',
        },
      ),
    );
    out.push(
      statement(sql`ALTER TABLE ${qualified(table)} DROP CONSTRAINT ${quoted(name)}`, [
        lock(ACCESS_EXCLUSIVE, table),
      ]),
    );
  }
  return out;
}

/** `addConstraint`: a definition as PostgreSQL prints it, with the same safe defaults as the typed operations. */
export function addConstraintStatements(op: AddConstraintOperation, ctx: CompileContext): Statement[] {
  const table = op.table;
  const body = raw(op.definition);
  if (op.type === 'check' || op.type === 'foreignKey') {
    const referenced = op.references ?? table;
    const locks =
      op.type === 'check'
        ? { add: [lock(ACCESS_EXCLUSIVE, table)], validate: [lock(SHARE_UPDATE_EXCLUSIVE, table)] }
        : {
            add: [lock(SHARE_ROW_EXCLUSIVE, table), lock(SHARE_ROW_EXCLUSIVE, referenced)],
            validate: [lock(SHARE_UPDATE_EXCLUSIVE, table), lock('ROW SHARE', referenced)],
          };
    return checked(table, op.name, body, op.validate ?? 'separate', locks, ctx);
  }
  const viaIndex = (op.type === 'unique' || op.type === 'primaryKey') && op.index !== undefined;
  if (viaIndex && !isNew(ctx, table) && op.concurrently !== false && !op.deferrable) {
    return uniqueViaIndex(
      table,
      op.name,
      op.type === 'unique' ? 'UNIQUE' : 'PRIMARY KEY',
      raw(op.index!),
      ctx,
    );
  }
  const add = sql`ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${quoted(op.name)} ${body}`;
  return [statement(add, [lock(ACCESS_EXCLUSIVE, table)], { scans: !isNew(ctx, table) })];
}
