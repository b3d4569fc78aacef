/**
 * Building blocks of the PostgreSQL compiler: quoting, column and constraint SQL, and the safe
 * sequences (NOT VALID + VALIDATE, concurrent index builds, split defaults) shared by several
 * operations. Split from `compiler.ts` to keep each file short; everything here is pure.
 */
import { MigrationFileError } from '../../errors.js';
import type { AddConstraintOperation } from '../../operations/add-constraint.js';
import type { ValidateMode } from '../../operations/add-foreign-key.js';
import { defaultName, formatName, MAX_NAME_BYTES } from '../../operations/names.js';
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
import type { CompileContext, CompiledStatement, LockMode } from './compiler.js';
import { isSerialType } from './serial-types.js';

type Lock = CompiledStatement['locks'][number];

/** Lock mode names, as in the PostgreSQL docs. */
export const AE = 'ACCESS EXCLUSIVE';
export const SUE = 'SHARE UPDATE EXCLUSIVE';
export const SRE = 'SHARE ROW EXCLUSIVE';

function checkLength(n: string): string {
  if (Buffer.byteLength(n, 'utf8') > MAX_NAME_BYTES) {
    throw new MigrationFileError(
      `Name "${n}" is longer than ${MAX_NAME_BYTES} bytes: PostgreSQL would truncate it`,
      {
        details: { hint: 'Choose a shorter name (pass `name` for generated index and constraint names).' },
      },
    );
  }
  return n;
}
/** A quoted name, refused past 63 bytes (the server would silently truncate it). */
export const id = (...names: string[]) => ident(...names.map(checkLength));
/** A quoted, optionally schema-qualified name: `"app"."users"`. */
export const q = (n: QualifiedName) => (n.schema === undefined ? id(n.name) : id(n.schema, n.name));
/** An index lives in its table's schema. */
export const inSchema = (t: QualifiedName, n: string) => (t.schema === undefined ? id(n) : id(t.schema, n));
/** A quoted name list: `"a", "b"`. */
export const ids = (names: readonly string[]) => join(names.map((n) => id(n)));
/** Lock metadata entry. */
export const lock = (mode: LockMode, t: QualifiedName): Lock => ({ mode, table: formatName(t) });
/** True for a table created earlier in this migration (empty: no safe sequence needed). */
export const isNew = (ctx: CompileContext, t: QualifiedName) => ctx.newTables.has(formatName(t));

/** A compiled statement: transactional, no rewrite or scan unless `extra` says so. */
export function st(f: SqlFragment, locks: Lock[], extra: Partial<CompiledStatement> = {}): CompiledStatement {
  return {
    sql: renderInline(f, postgresQuoting),
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
const isVolatile = (d: DefaultValue) => typeof d === 'object' && (d.volatile ?? VOLATILE.test(d.sql));
const defaultSql = (d: DefaultValue) => (typeof d === 'object' ? raw(d.sql) : literal(d));
const action = (a: ReferentialAction) => raw(a.toUpperCase());

/** `REFERENCES t (cols) ON DELETE … ON UPDATE …`. */
export function referencesSql(r: {
  table: QualifiedName;
  columns?: string[];
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
}): SqlFragment {
  const parts = [sql`REFERENCES ${q(r.table)}`];
  if (r.columns !== undefined) parts.push(sql`(${ids(r.columns)})`);
  if (r.onDelete !== undefined) parts.push(sql`ON DELETE ${action(r.onDelete)}`);
  if (r.onUpdate !== undefined) parts.push(sql`ON UPDATE ${action(r.onUpdate)}`);
  return join(parts, ' ');
}

/** A column definition as in `CREATE TABLE` / `ADD COLUMN`. */
export function columnSql(c: ColumnDefinition, withDefault = true): SqlFragment {
  const parts = [id(c.name), raw(c.type)];
  if (c.collation !== undefined) parts.push(sql`COLLATE ${id(c.collation)}`);
  if (c.identity !== undefined)
    parts.push(raw(`GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`));
  if (c.generated !== undefined) parts.push(sql`GENERATED ALWAYS AS (${raw(c.generated)}) STORED`);
  if (c.default !== undefined && withDefault) parts.push(sql`DEFAULT ${defaultSql(c.default)}`);
  if (c.nullable === false) parts.push(raw('NOT NULL'));
  if (c.primaryKey) parts.push(raw('PRIMARY KEY'));
  if (c.unique) parts.push(raw('UNIQUE'));
  if (c.check !== undefined) parts.push(sql`CHECK (${raw(c.check)})`);
  if (c.references !== undefined) {
    const { column, ...r } = c.references;
    parts.push(referencesSql(column === undefined ? r : { ...r, columns: [column] }));
  }
  return join(parts, ' ');
}

/** A table constraint of `CREATE TABLE`. */
export function constraintSql(c: TableConstraint): SqlFragment {
  const named = c.name === undefined ? raw('') : sql`CONSTRAINT ${id(c.name)} `;
  switch (c.type) {
    case 'check':
      return sql`${named}CHECK (${raw(c.expression)})`;
    case 'unique':
      return sql`${named}UNIQUE (${ids(c.columns)})`;
    case 'primaryKey':
      return sql`${named}PRIMARY KEY (${ids(c.columns)})`;
    case 'foreignKey':
      return sql`${named}FOREIGN KEY (${ids(c.columns)}) ${referencesSql(c.references)}`;
    case 'raw':
      return sql`${named}${raw(c.definition)}`;
  }
}

/** `COMMENT ON …` (takes SHARE UPDATE EXCLUSIVE on the object). */
export function comment(
  target: 'TABLE' | 'COLUMN' | 'INDEX' | 'VIEW',
  name: SqlFragment,
  text: string,
  on: QualifiedName,
) {
  return st(sql`COMMENT ON ${raw(target)} ${name} IS ${literal(text)}`, [lock(SUE, on)]);
}

/** NOT VALID + separate VALIDATE, or one validating statement (see {@link ValidateMode}). */
export function checked(
  t: QualifiedName,
  name: string,
  body: SqlFragment,
  mode: ValidateMode,
  locks: { add: Lock[]; validate: Lock[] },
  ctx: CompileContext,
): CompiledStatement[] {
  const fresh = isNew(ctx, t);
  const add = sql`ALTER TABLE ${q(t)} ADD CONSTRAINT ${id(name)} ${body}`;
  if (mode === 'immediate' || (fresh && mode === 'separate')) return [st(add, locks.add, { scans: !fresh })];
  const notValid = st(sql`${add} NOT VALID`, locks.add, {
    note: 'NOT VALID: new writes are checked, existing rows not yet',
  });
  if (mode === 'never') return [notValid];
  const validate = st(sql`ALTER TABLE ${q(t)} VALIDATE CONSTRAINT ${id(name)}`, locks.validate, {
    transactional: false,
    scans: true,
    note: 'validated after the NOT VALID step has committed: the scan does not block writes',
  });
  return [notValid, validate];
}

/** `CREATE [UNIQUE] INDEX`, concurrently unless the table is new or `concurrently` is false. */
export function createIndex(
  t: QualifiedName,
  name: string,
  unique: boolean,
  tail: SqlFragment,
  concurrently: boolean | undefined,
  ctx: CompileContext,
): CompiledStatement {
  const fresh = isNew(ctx, t);
  const conc = !fresh && concurrently !== false;
  // IF NOT EXISTS: a concurrent build runs outside a transaction, so a run that dies can leave it
  // built; the runner settles an interrupted build from the catalog (an invalid index is dropped
  // first, see dialects/postgres/interrupted.ts), and the statement itself is safe to repeat.
  const head = raw(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${conc ? 'CONCURRENTLY IF NOT EXISTS ' : ''}`);
  const f = sql`${head}${id(name)} ON ${q(t)} ${tail}`;
  if (!conc)
    return st(f, [lock('SHARE', t)], {
      scans: !fresh,
      ...(fresh ? {} : { note: 'blocks writes during the build' }),
    });
  return st(f, [lock(SUE, t)], {
    transactional: false,
    scans: true,
    note: 'built CONCURRENTLY outside a transaction: reads and writes continue during the build',
  });
}

/** Unique / primary key attached to a concurrently built index. */
export function uniqueViaIndex(
  t: QualifiedName,
  name: string,
  type: 'UNIQUE' | 'PRIMARY KEY',
  tail: SqlFragment,
  ctx: CompileContext,
): CompiledStatement[] {
  const attach = sql`ALTER TABLE ${q(t)} ADD CONSTRAINT ${id(name)} ${raw(type)} USING INDEX ${id(name)}`;
  return [
    createIndex(t, name, true, tail, true, ctx),
    st(attach, [lock(AE, t)], { note: 'attaches the built index: brief lock' }),
  ];
}

/** `addColumn`: see `AddColumnOperation` for when the default is split or a rewrite is accepted. */
export function addColumnStatements(op: OperationOf<'addColumn'>, ctx: CompileContext): CompiledStatement[] {
  const { table: t, column: c } = op;
  const add = (withDefault: boolean) => sql`ALTER TABLE ${q(t)} ADD COLUMN ${columnSql(c, withDefault)}`;
  const out: CompiledStatement[] = [];
  const fresh = isNew(ctx, t);
  const always =
    c.identity !== undefined || c.generated !== undefined || isSerialType(c.type.trim().toLowerCase());
  const volatile = c.default !== undefined && isVolatile(c.default);
  const splittable = c.default !== undefined && (volatile || ctx.pgVersion < 110000);
  const defaultWhy = volatile
    ? 'the default is volatile'
    : 'before PostgreSQL 11 every default is written to each row';
  if (fresh) out.push(st(add(true), [lock(AE, t)]));
  else if (always || (splittable && op.allowRewrite)) {
    const why = always ? 'identity, serial and generated columns fill every row' : defaultWhy;
    out.push(
      st(add(true), [lock(AE, t)], {
        rewrites: true,
        scans: true,
        note: `rewrites the table under ACCESS EXCLUSIVE: ${why}`,
      }),
    );
  } else if (splittable) {
    if (c.nullable === false) {
      throw new MigrationFileError(
        `addColumn ${formatName(t)}.${c.name}: this NOT NULL column would rewrite the whole table (${defaultWhy})`,
        {
          details: {
            hint: 'Add it nullable with the default, backfill, then alterColumn nullable: false; or pass allowRewrite: true.',
          },
        },
      );
    }
    out.push(
      st(add(false), [lock(AE, t)], {
        note: 'added without its default: existing rows get NULL; backfill them',
      }),
    );
    const d = c.default!;
    out.push(
      st(sql`ALTER TABLE ${q(t)} ALTER COLUMN ${id(c.name)} SET DEFAULT ${defaultSql(d)}`, [lock(AE, t)], {
        note: 'the default applies to new rows only (no rewrite)',
      }),
    );
  } else {
    const note =
      c.nullable === false && c.default === undefined
        ? 'NOT NULL without a default fails if the table has rows'
        : undefined;
    out.push(st(add(true), [lock(AE, t)], note === undefined ? {} : { note }));
  }
  if (c.comment !== undefined)
    out.push(comment('COLUMN', id(...(t.schema ? [t.schema] : []), t.name, c.name), c.comment, t));
  return out;
}

/** `alterColumn`: one ALTER TABLE, then the safe NOT NULL sequence when needed. */
export function alterColumnStatements(
  op: OperationOf<'alterColumn'>,
  ctx: CompileContext,
): CompiledStatement[] {
  const t = op.table;
  const fresh = isNew(ctx, t);
  const col = sql`ALTER COLUMN ${id(op.column)}`;
  // One ALTER TABLE for everything but the safe NOT NULL sequence: one lock, applied atomically.
  const parts: SqlFragment[] = [];
  const extra: Partial<CompiledStatement> = {};
  const notes: string[] = [];
  if (op.type !== undefined) {
    // An old default that cannot be cast to the new type makes TYPE fail: drop it first, in the same statement.
    if (op.default !== undefined) parts.push(sql`${col} DROP DEFAULT`);
    let f = sql`${col} TYPE ${raw(op.type)}`;
    if (op.using !== undefined) f = sql`${f} USING ${raw(op.using)}`;
    else if (op.usingCast) f = sql`${f} USING ${id(op.column)}::${raw(op.type)}`;
    parts.push(f);
    if (!fresh) {
      Object.assign(extra, { rewrites: true, scans: true });
      notes.push(
        'rewrites the table and its indexes under ACCESS EXCLUSIVE unless the change is binary-coercible',
      );
    }
  }
  if (op.default !== undefined && op.default !== null)
    parts.push(sql`${col} SET DEFAULT ${defaultSql(op.default)}`);
  if (op.default === null && op.type === undefined) parts.push(sql`${col} DROP DEFAULT`);
  if (op.nullable === true) parts.push(sql`${col} DROP NOT NULL`);
  const direct = op.nullable === false && (fresh || op.setNotNull === 'direct' || ctx.pgVersion < 120000);
  if (direct) {
    parts.push(sql`${col} SET NOT NULL`);
    if (!fresh) {
      extra.scans = true;
      notes.push('SET NOT NULL scans the table under ACCESS EXCLUSIVE');
    }
  }
  if (notes.length > 0) extra.note = notes.join('; ');
  const out: CompiledStatement[] = [];
  if (parts.length > 0) out.push(st(sql`ALTER TABLE ${q(t)} ${join(parts)}`, [lock(AE, t)], extra));
  if (op.nullable === false && !direct) {
    const name = defaultName(t.name, [op.column], 'not_null_check');
    const body = sql`CHECK (${id(op.column)} IS NOT NULL)`;
    const [add, validate] = checked(
      t,
      name,
      body,
      'separate',
      { add: [lock(AE, t)], validate: [lock(SUE, t)] },
      ctx,
    );
    out.push(add!, validate!);
    out.push(
      st(sql`ALTER TABLE ${q(t)} ${col} SET NOT NULL`, [lock(AE, t)], {
        note: 'no scan: the validated check proves it',
      }),
    );
    out.push(st(sql`ALTER TABLE ${q(t)} DROP CONSTRAINT ${id(name)}`, [lock(AE, t)]));
  }
  return out;
}

/** `addConstraint`: a definition as PostgreSQL prints it, with the same safe defaults as the typed operations. */
export function addConstraintStatements(
  op: AddConstraintOperation,
  ctx: CompileContext,
): CompiledStatement[] {
  const t = op.table;
  const body = raw(op.definition);
  if (op.type === 'check' || op.type === 'foreignKey') {
    const ref = op.references ?? t;
    const locks =
      op.type === 'check'
        ? { add: [lock(AE, t)], validate: [lock(SUE, t)] }
        : { add: [lock(SRE, t), lock(SRE, ref)], validate: [lock(SUE, t), lock('ROW SHARE', ref)] };
    return checked(t, op.name, body, op.validate ?? 'separate', locks, ctx);
  }
  const viaIndex = (op.type === 'unique' || op.type === 'primaryKey') && op.index !== undefined;
  if (viaIndex && !isNew(ctx, t) && op.concurrently !== false && !op.deferrable) {
    return uniqueViaIndex(t, op.name, op.type === 'unique' ? 'UNIQUE' : 'PRIMARY KEY', raw(op.index!), ctx);
  }
  const add = sql`ALTER TABLE ${q(t)} ADD CONSTRAINT ${id(op.name)} ${body}`;
  return [st(add, [lock(AE, t)], { scans: !isNew(ctx, t) })];
}
