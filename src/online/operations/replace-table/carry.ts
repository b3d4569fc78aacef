/**
 * Maps the old table's definition (catalog.ts) onto the new table of a `replaceTable`: pure, at
 * planning time, so anything that cannot be carried is refused before the first DDL. The result is
 * data stored in the plan; ddl.ts and swap.ts turn it into statements.
 *
 * A new column comes from an old one when it has the same name and no `copy` expression, or when
 * its `copy` expression is just that old column's name (a rename). Objects over such columns are
 * carried (renamed references rewritten); an object over an old column no new column comes from is
 * refused by name unless the migration lists it in `omit`.
 */

import { renameInExpression } from '../../expr.js';
import { quotedName, tempName } from '../../names.js';
import { PlanError } from '../../plan.js';
import type { ReplaceColumn, ReplaceTableOperation } from '../../types.js';
import { defaultSql } from '../common.js';
import type { OldColumn, OldObject, TableDefinition } from './catalog.js';

/** A column of the new table as created (the identity, if any, is added at the swap). */
export interface NewColumn {
  name: string;
  type: string;
  notNull: boolean;
  /** Default while the tables are in sync (an identity's column draws from the old sequence). */
  default?: string;
  generated?: string;
  collation?: string;
  storage?: string;
  statistics?: number;
  comment?: string;
}

/** An identity the new table's column gets at the swap. */
export interface CarriedIdentity {
  column: string;
  always: boolean;
  /** Sequence options (catalog numbers). */
  options: string;
  /** The old column's identity sequence: renamed away at the swap, its name and position taken over. */
  old: { schema: string; name: string; temp: string } | null;
  /** The column leads the primary key: `max()` is one index probe. */
  keyed: boolean;
}

/** Everything the new table gets besides its columns; stored in the plan. */
export interface Carry {
  /** Primary key definition (`PRIMARY KEY (id) INCLUDE (…)`), null for the declared key columns. */
  primaryKey: string | null;
  /** Index names exchanged at the swap: the new table's `temp` becomes `name`, the old one's `oldTemp`. */
  renames: { name: string; temp: string; oldTemp: string }[];
  /** Plain indexes: `CREATE INDEX temp ON new USING def`. */
  indexes: { temp: string; unique: boolean; def: string; comment: string | null }[];
  /** `ADD CONSTRAINT name def` (unique and exclusion constraints under their temporary name). */
  constraints: { name: string; def: string; comment: string | null }[];
  /** Created disabled; enabled as on the old table at the swap. */
  triggers: { name: string; head: string; tail: string; enabled: string; comment: string | null }[];
  /**
   * The old table has BEFORE ROW triggers that may change rows: until the swap, a row written
   * through the new version is written back from what the old table's triggers made of it.
   */
  echo?: boolean;
  /** Every user trigger of the old table and its state: disabled there at the swap, restored by abort. */
  oldTriggers: { name: string; enabled: string }[];
  policies: {
    name: string;
    permissive: boolean;
    cmd: string;
    roles: string[];
    using: string | null;
    check: string | null;
    comment: string | null;
  }[];
  identities: CarriedIdentity[];
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  replicaIdentity: string;
  /** Temporary name of the replica-identity index on the new table. */
  replicaIndex: string | null;
  reloptions: string[];
  owner: string;
  comment: string | null;
}

const BARE = /^\s*(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))\s*$/;

/** The old column a new column comes from, or null (derived by an expression, or new). */
export function sourceColumn(
  c: ReplaceColumn,
  op: ReplaceTableOperation,
  old: OldColumn[],
): OldColumn | null {
  const expr = op.copy?.[c.name];
  let name: string | undefined = c.name;
  if (expr !== undefined) {
    const m = BARE.exec(expr);
    name = m ? (m[1]?.replace(/""/g, '"') ?? m[2]?.toLowerCase()) : undefined;
  }
  return old.find((o) => o.name === name) ?? null;
}

/** Rewrites references to renamed columns (old → new), through placeholders so swaps cannot chain. */
function renameAll(text: string, map: Map<string, string>): string {
  const moves = [...map].filter(([o, n]) => o !== n);
  let out = text;
  for (const [i, [o]] of moves.entries()) out = renameInExpression(out, o, `\u0001${i}`);
  for (const [i, [, n]] of moves.entries()) out = out.split(quotedName(`\u0001${i}`)).join(quotedName(n));
  return out;
}

const NUMBER = /^-?\d+$/;
const RELOPTION = /^[a-z_][a-z0-9_.]*=[A-Za-z0-9_.-]+$/;

function refuse(what: string, why: string, hint?: string): never {
  throw new PlanError(`${what} ${why}`, hint);
}

/**
 * Resolves the new columns and what the old table carries over; throws PlanError naming the first
 * object that cannot be carried.
 *
 * @example
 * const { columns, carry, mapping } = carryDefinition(op, def);
 */
export function carryDefinition(
  op: ReplaceTableOperation,
  def: TableDefinition,
): { columns: NewColumn[]; carry: Carry; mapping: Map<string, string> } {
  if (def.blockers.length > 0) {
    throw new PlanError(
      `the table cannot be carried whole to the new table: ${def.blockers.join('; ')}`,
      'Remove what is listed in a migration before this one and bring it back after the swap (a view: create it again; a foreign key from another table: add it back NOT VALID, then VALIDATE).',
    );
  }
  const omit = new Set(op.omit ?? []);
  const known = [...def.indexes, ...def.constraints, ...def.triggers, ...def.policies].map((o) => o.name);
  for (const n of omit)
    if (!known.includes(n))
      refuse(`\`omit\` names "${n}",`, 'which is no index, constraint, trigger or policy of the table');

  const mapping = new Map<string, string>();
  const identities: CarriedIdentity[] = [];
  const columns = op.columns.map((c): NewColumn => {
    const o = sourceColumn(c, op, def.columns);
    if (o && !mapping.has(o.name)) mapping.set(o.name, c.name);
    const same = o !== null && o.name === c.name && op.copy?.[c.name] === undefined;
    const notNull = c.nullable === undefined ? (o?.notNull ?? false) : !c.nullable;
    const col: NewColumn = { name: c.name, type: c.type, notNull };
    const identity =
      c.identity ?? (o?.identity === 'a' ? 'always' : o?.identity === 'd' ? 'by default' : undefined);
    if (same && o.generated) {
      if (c.default !== undefined || c.identity)
        refuse(`column "${c.name}"`, 'is generated; it cannot also declare a default or an identity');
      col.generated = o.generated;
    } else if (identity) {
      if (c.default !== undefined && c.default !== null)
        refuse(`column "${c.name}"`, 'cannot have both a default and an identity');
      if (c.nullable === true) refuse(`column "${c.name}"`, 'is an identity column, which is NOT NULL');
      col.notNull = true;
      const seq = o?.identity ? def.identities.find((i) => i.column === o.name) : undefined;
      // Without the old identity's sequence, only max(key) (one index probe) says where to start.
      if (!seq && op.primaryKey[0] !== c.name)
        refuse(
          `column "${c.name}"`,
          'can only become an identity column if it was one or leads the primary key',
          'Add the identity in a later migration.',
        );
      // Until the swap both tables draw keys from one sequence, so they never collide.
      if (seq)
        col.default = `nextval('${quotedName(seq.schema, seq.sequence).replace(/'/g, "''")}'::regclass)`;
      else if (o?.default && /nextval\s*\(/i.test(o.default)) col.default = o.default;
      identities.push(identityOf(c.name, identity === 'always', seq, op));
    } else if (c.default !== undefined) {
      if (c.default !== null) col.default = defaultSql(c.default);
    } else if (o?.default) col.default = o.default;
    if (o?.collation && !/\bcollate\b/i.test(c.type)) col.collation = o.collation;
    if (o?.storage) col.storage = o.storage;
    if (o?.statistics !== null && o?.statistics !== undefined) col.statistics = o.statistics;
    if (o?.comment) col.comment = o.comment;
    return col;
  });

  const check = (kind: string, obj: OldObject, renamable = true) => {
    for (const col of obj.columns) {
      const to = mapping.get(col);
      if (to === undefined)
        refuse(
          `${kind} "${obj.name}" uses column "${col}",`,
          'which no column of the new table comes from',
          `Keep the column, or list "${obj.name}" in \`omit\` (it is then left behind; create its replacement in a later migration).`,
        );
      if (to !== col && !renamable)
        refuse(
          `${kind} "${obj.name}" uses column "${col}",`,
          `which the new table renames to "${to}"`,
          `List "${obj.name}" in \`omit\` and create it again after the migration.`,
        );
    }
  };
  for (const c of columns) {
    const o = def.columns.find((x) => mapping.get(x.name) === c.name && x.generated);
    if (c.generated && o) {
      check('generated column', { name: c.name, def: '', comment: null, columns: o.uses });
      c.generated = renameAll(c.generated, mapping);
    }
  }
  const renames: Carry['renames'] = [];
  const rename = (name: string) => {
    const r = { name, temp: tempName(name), oldTemp: tempName(name, 'old') };
    renames.push(r);
    return r.temp;
  };
  const indexes = def.indexes
    .filter((i) => !omit.has(i.name))
    .map((i) => {
      check('index', i);
      return { temp: rename(i.name), unique: i.unique, def: renameAll(i.def, mapping), comment: i.comment };
    });
  const constraints = def.constraints
    .filter((c) => !omit.has(c.name))
    .map((c) => {
      check('constraint', c);
      // A foreign key's referenced columns are the other table's: rename only the local list.
      const [local, rest] = c.type === 'f' ? splitOnce(c.def, ' REFERENCES ') : [c.def, ''];
      const body = renameAll(local, mapping) + (c.type === 'f' ? ` REFERENCES ${rest}` : '');
      return {
        name: c.type === 'u' || c.type === 'x' ? rename(c.name) : c.name,
        def: body,
        comment: c.comment,
      };
    });
  const triggers = def.triggers
    .filter((t) => !omit.has(t.name))
    .map((t) => {
      check('trigger', t, false);
      return { name: t.name, head: t.def, tail: t.tail, enabled: t.enabled, comment: t.comment };
    });
  const policies = def.policies
    .filter((p) => !omit.has(p.name))
    .map((p) => {
      check('policy', p);
      const re = (e: string | null) => (e === null ? null : renameAll(e, mapping));
      const { name, permissive, cmd, roles, comment } = p;
      return { name, permissive, cmd, roles, using: re(p.using), check: re(p.check), comment };
    });
  let replicaIndex: string | null = null;
  if (def.replicaIdentity === 'i' && def.replicaIndex) {
    const r = renames.find((x) => x.name === def.replicaIndex);
    if (!r)
      refuse(
        `replica identity index "${def.replicaIndex}"`,
        'is omitted or is the primary key',
        'Keep the index, or change the replica identity first.',
      );
    replicaIndex = r.temp;
  }
  const bad = def.reloptions.find((o) => !RELOPTION.test(o));
  if (bad) refuse(`storage parameter \`${bad}\``, 'cannot be carried');
  if (def.primaryKey)
    check('primary key', { name: 'primary key', def: '', comment: null, columns: op.primaryKey });
  return {
    columns,
    mapping,
    carry: {
      primaryKey: def.primaryKey ? renameAll(def.primaryKey, mapping) : null,
      renames,
      indexes,
      constraints,
      triggers,
      oldTriggers: def.triggers.map((t) => ({ name: t.name, enabled: t.enabled })),
      echo: def.triggers.some((t) => t.rowBefore && t.enabled !== 'D'),
      policies,
      identities,
      rowSecurity: def.rowSecurity,
      forceRowSecurity: def.forceRowSecurity,
      replicaIdentity: def.replicaIdentity === 'i' && !replicaIndex ? 'd' : def.replicaIdentity,
      replicaIndex,
      reloptions: def.reloptions,
      owner: def.owner,
      comment: def.comment,
    },
  };
}

function splitOnce(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + sep.length)];
}

function identityOf(
  column: string,
  always: boolean,
  seq: TableDefinition['identities'][number] | undefined,
  op: ReplaceTableOperation,
): CarriedIdentity {
  let options = '';
  if (seq) {
    const nums = [seq.increment, seq.min, seq.max, seq.start, seq.cache];
    if (!nums.every((n) => NUMBER.test(n)))
      refuse(`identity of column "${column}"`, 'has options that cannot be read');
    options = `INCREMENT BY ${seq.increment} MINVALUE ${seq.min}${seq.customMax ? ` MAXVALUE ${seq.max}` : ''} START WITH ${seq.start} CACHE ${seq.cache}${seq.cycle ? ' CYCLE' : ' NO CYCLE'}`;
  }
  return {
    column,
    always,
    options,
    old: seq ? { schema: seq.schema, name: seq.sequence, temp: tempName(seq.sequence, 'old') } : null,
    keyed: op.primaryKey[0] === column,
  };
}
