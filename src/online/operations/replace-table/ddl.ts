/**
 * The statements that build a `replaceTable`'s new table with what it carries (carry.ts), for a
 * given table name: `start` runs them on the real new table, the probe (probe.ts) on a scratch name
 * in a transaction it rolls back. Definitions come from PostgreSQL's own deparsing (trusted text).
 */
import { ident, join, literal, raw, type SqlFragment, sql } from '../../../sql/tag.js';
import type { Carry, NewColumn } from './carry.js';

/** One statement and the object it carries, for messages. */
export interface Labelled {
  what: string;
  stmt: SqlFragment;
}

const STORAGE: Record<string, string> = { p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' };
const COMMAND: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

function columnDef(c: NewColumn): SqlFragment {
  const coll = c.collation ? raw(` COLLATE ${c.collation}`) : raw('');
  const value = c.generated
    ? raw(` GENERATED ALWAYS AS (${c.generated}) STORED`)
    : c.default
      ? raw(` DEFAULT ${c.default}`)
      : raw('');
  return sql`${ident(c.name)} ${raw(c.type)}${coll}${value}${raw(c.notNull ? ' NOT NULL' : '')}`;
}

/**
 * `CREATE TABLE` of the new table with its columns and primary key.
 *
 * @example
 * createTable('public', '_sluice_users', columns, '_sluice_users_pkey', ['id'], carry)
 */
export function createTable(
  schema: string,
  target: string,
  columns: NewColumn[],
  pkName: string,
  primaryKey: string[],
  carry: Carry | undefined,
): SqlFragment {
  const pk = carry?.primaryKey
    ? raw(carry.primaryKey)
    : sql`PRIMARY KEY (${join(primaryKey.map((k) => ident(k)))})`;
  return sql`CREATE TABLE ${ident(schema, target)} (${join(columns.map(columnDef))}, CONSTRAINT ${ident(pkName)} ${pk})`;
}

/**
 * Everything carried that is created with the table (the owner last: see {@link ownerStatement}).
 * User triggers are created disabled: until the swap every write passes the old table once, where
 * they fire; the swap moves them (swap.ts).
 *
 * @example
 * for (const s of carryStatements('public', '_sluice_users', carry, columns)) await phase.exec(s.stmt);
 */
export function carryStatements(
  schema: string,
  target: string,
  carry: Carry,
  columns: NewColumn[],
): Labelled[] {
  const t = ident(schema, target);
  const out: Labelled[] = [];
  const add = (what: string, stmt: SqlFragment) => out.push({ what, stmt });
  for (const c of columns) {
    const col = ident(c.name);
    const storage = c.storage ? STORAGE[c.storage] : undefined;
    if (storage)
      add(
        `storage of column "${c.name}"`,
        sql`ALTER TABLE ${t} ALTER COLUMN ${col} SET STORAGE ${raw(storage)}`,
      );
    if (c.statistics !== undefined)
      add(
        `statistics target of column "${c.name}"`,
        sql`ALTER TABLE ${t} ALTER COLUMN ${col} SET STATISTICS ${raw(String(c.statistics))}`,
      );
    if (c.comment)
      add(
        `comment of column "${c.name}"`,
        sql`COMMENT ON COLUMN ${ident(schema, target, c.name)} IS ${literal(c.comment)}`,
      );
  }
  for (const c of carry.constraints) {
    add(`constraint "${c.name}"`, sql`ALTER TABLE ${t} ADD CONSTRAINT ${ident(c.name)} ${raw(c.def)}`);
    if (c.comment)
      add(
        `comment of constraint "${c.name}"`,
        sql`COMMENT ON CONSTRAINT ${ident(c.name)} ON ${t} IS ${literal(c.comment)}`,
      );
  }
  for (const i of carry.indexes) {
    const what = `index "${carry.renames.find((r) => r.temp === i.temp)?.name ?? i.temp}"`;
    add(
      what,
      sql`CREATE ${raw(i.unique ? 'UNIQUE ' : '')}INDEX ${ident(i.temp)} ON ${t} USING ${raw(i.def)}`,
    );
    if (i.comment)
      add(`comment of ${what}`, sql`COMMENT ON INDEX ${ident(schema, i.temp)} IS ${literal(i.comment)}`);
  }
  for (const g of carry.triggers) {
    add(`trigger "${g.name}"`, sql`${raw(g.head)} ON ${t} ${raw(g.tail)}`);
    add(`trigger "${g.name}"`, sql`ALTER TABLE ${t} DISABLE TRIGGER ${ident(g.name)}`);
    if (g.comment)
      add(
        `comment of trigger "${g.name}"`,
        sql`COMMENT ON TRIGGER ${ident(g.name)} ON ${t} IS ${literal(g.comment)}`,
      );
  }
  // Enabled now, so the new version's reads through its views are filtered from the start; FORCE
  // waits for the swap, so the copy (run as the owner) is not filtered.
  if (carry.rowSecurity) add('row-level security', sql`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
  for (const p of carry.policies) {
    const using = p.using ? raw(` USING (${p.using})`) : raw('');
    const check = p.check ? raw(` WITH CHECK (${p.check})`) : raw('');
    add(
      `policy "${p.name}"`,
      sql`CREATE POLICY ${ident(p.name)} ON ${t} AS ${raw(p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE')} FOR ${raw(COMMAND[p.cmd] ?? 'ALL')} TO ${raw(p.roles.join(', '))}${using}${check}`,
    );
    if (p.comment)
      add(
        `comment of policy "${p.name}"`,
        sql`COMMENT ON POLICY ${ident(p.name)} ON ${t} IS ${literal(p.comment)}`,
      );
  }
  const replica = { n: 'NOTHING', f: 'FULL' }[carry.replicaIdentity];
  if (replica) add('replica identity', sql`ALTER TABLE ${t} REPLICA IDENTITY ${raw(replica)}`);
  if (carry.replicaIndex)
    add('replica identity', sql`ALTER TABLE ${t} REPLICA IDENTITY USING INDEX ${ident(carry.replicaIndex)}`);
  if (carry.reloptions.length > 0)
    add('storage parameters', sql`ALTER TABLE ${t} SET (${raw(carry.reloptions.join(', '))})`);
  if (carry.comment) add('table comment', sql`COMMENT ON TABLE ${t} IS ${literal(carry.comment)}`);
  return out;
}

/**
 * The old table's owner for the new table. Run last: the migration role keeps its rights through
 * membership in the owner role (which `OWNER TO` requires of it anyway).
 *
 * @example
 * await phase.exec(ownerStatement('public', '_sluice_users', carry));
 */
export function ownerStatement(schema: string, target: string, carry: Carry): Labelled {
  return { what: 'owner', stmt: sql`ALTER TABLE ${ident(schema, target)} OWNER TO ${raw(carry.owner)}` };
}
