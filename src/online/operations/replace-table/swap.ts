/**
 * What the swap (and an abort after it) does to the carried objects, beyond renaming the two
 * tables. Everything here is catalog-only and runs in the swap's short-lock transaction, with both
 * tables already locked: index names exchanged (a constraint's index carries its constraint's
 * name), identities moved, user triggers moved, FORCE ROW LEVEL SECURITY set. The one read is an
 * index probe (`max` of the key) that sets the new identity's sequence past every key.
 */
import { ident, join, literal, raw, type SqlFragment, sql } from '../../../sql/tag.js';
import { quotedName } from '../../names.js';
import type { PhaseContext } from '../../operation.js';
import type { Carry } from './carry.js';

/** `ALTER TABLE … ENABLE …` for a `pg_trigger.tgenabled` state. */
function triggerState(table: SqlFragment, name: string, state: string): SqlFragment {
  const how = { O: 'ENABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }[state] ?? 'DISABLE';
  return sql`ALTER TABLE ${table} ${raw(how)} TRIGGER ${ident(name)}`;
}

/** The value a sequence has handed out, or NULL. */
function issued(seq: SqlFragment): SqlFragment {
  return sql`(SELECT CASE WHEN is_called THEN last_value END FROM ${seq})`;
}

/**
 * After the tables are renamed (`table` is the new one, `oldTable` the kept old one).
 *
 * @example
 * await swapCarried(phase, carry, 'users', '_sluice_old_users');
 */
export async function swapCarried(
  phase: PhaseContext,
  carry: Carry,
  table: string,
  oldTable: string,
): Promise<void> {
  const s = phase.plan.schema;
  const t = ident(s, table);
  for (const r of carry.renames) {
    await phase.exec(sql`ALTER INDEX ${ident(s, r.name)} RENAME TO ${ident(r.oldTemp)}`);
    await phase.exec(sql`ALTER INDEX ${ident(s, r.temp)} RENAME TO ${ident(r.name)}`);
  }
  for (const id of carry.identities) {
    const col = ident(id.column);
    if (id.old)
      await phase.exec(
        sql`ALTER SEQUENCE ${ident(id.old.schema, id.old.name)} RENAME TO ${ident(id.old.temp)}`,
      );
    const name = id.old ? sql`SEQUENCE NAME ${ident(id.old.schema, id.old.name)} ` : raw('');
    const options = id.old || id.options ? sql` (${name}${raw(id.options)})` : raw('');
    await phase.exec(sql`ALTER TABLE ${t} ALTER COLUMN ${col} DROP DEFAULT`);
    await phase.exec(
      sql`ALTER TABLE ${t} ALTER COLUMN ${col} ADD GENERATED ${raw(id.always ? 'ALWAYS' : 'BY DEFAULT')} AS IDENTITY${options}`,
    );
    // Continue where the shared sequence was, and past every key (rows may carry explicit keys).
    const parts = [
      ...(id.old ? [issued(ident(id.old.schema, id.old.temp))] : []),
      ...(id.keyed ? [sql`(SELECT max(${col}) FROM ${t})`] : []),
    ];
    if (parts.length > 0)
      await setPast(
        phase,
        sql`pg_get_serial_sequence(${literal(quotedName(s, table))}, ${literal(id.column)})`,
        parts,
      );
  }
  for (const g of carry.triggers) await phase.exec(triggerState(t, g.name, g.enabled));
  // The kept old table is now written only by the reverse sync: its triggers would fire twice.
  for (const g of carry.oldTriggers)
    if (g.enabled !== 'D') await phase.exec(triggerState(ident(s, oldTable), g.name, 'D'));
  if (carry.forceRowSecurity) await phase.exec(sql`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`);
}

/**
 * Before the tables are renamed back (`table` is still the new one): undoes {@link swapCarried}, the
 * old identity sequences set past every key the new table handed out.
 *
 * @example
 * await unswapCarried(phase, carry, 'users', '_sluice_old_users');
 */
export async function unswapCarried(
  phase: PhaseContext,
  carry: Carry,
  table: string,
  oldTable: string,
): Promise<void> {
  const s = phase.plan.schema;
  const t = ident(s, table);
  for (const r of carry.renames) {
    await phase.exec(sql`ALTER INDEX ${ident(s, r.name)} RENAME TO ${ident(r.temp)}`);
    await phase.exec(sql`ALTER INDEX ${ident(s, r.oldTemp)} RENAME TO ${ident(r.name)}`);
  }
  for (const id of carry.identities) {
    if (!id.old) {
      // A declared identity over a serial key: the serial sequence goes on past every key written
      // since the swap (the kept old table has them all, through the reverse sync).
      await phase.exec(
        sql`SELECT setval(q.s, greatest(pg_sequence_last_value(q.s), q.v)) FROM (SELECT pg_get_serial_sequence(${literal(quotedName(s, oldTable))}, ${literal(id.column)})::regclass AS s, (SELECT max(${ident(id.column)}) FROM ${ident(s, oldTable)}) AS v) q WHERE q.s IS NOT NULL AND q.v IS NOT NULL`,
      );
      continue;
    }
    const seq = ident(id.old.schema, id.old.temp);
    // The new identity's sequence took the old one's name at the swap.
    await setPast(phase, literal(quotedName(id.old.schema, id.old.temp)), [
      issued(seq),
      issued(ident(id.old.schema, id.old.name)),
    ]);
    await phase.exec(sql`ALTER TABLE ${t} ALTER COLUMN ${ident(id.column)} DROP IDENTITY IF EXISTS`);
    await phase.exec(sql`ALTER SEQUENCE ${seq} RENAME TO ${ident(id.old.name)}`);
  }
  for (const g of carry.oldTriggers) await phase.exec(triggerState(ident(s, oldTable), g.name, g.enabled));
}

async function setPast(phase: PhaseContext, seq: SqlFragment, values: SqlFragment[]): Promise<void> {
  await phase.exec(
    sql`SELECT setval(${seq}, v) FROM (SELECT greatest(${join(values)}) AS v) q WHERE v IS NOT NULL`,
  );
}

/**
 * `complete --drop-old`: a sequence the old table owns (a serial key the new table's default still
 * draws from) becomes the new table's, by the column it maps to; otherwise it goes with the old table.
 *
 * @example
 * await adoptSequences(phase, '_sluice_old_users', 'users', { id: 'id' });
 */
export async function adoptSequences(
  phase: PhaseContext,
  oldTable: string,
  table: string,
  mapping: Record<string, string>,
): Promise<void> {
  const s = phase.plan.schema;
  const seqs = await phase.query<{ seq: string; col: string }>(
    sql`SELECT d.objid::regclass::text AS seq, a.attname AS col FROM pg_depend d
          JOIN pg_class c ON c.oid = d.objid
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.refobjid = ${quotedName(s, oldTable)}::regclass AND d.deptype = 'a' AND c.relkind = 'S'`,
  );
  for (const q of seqs.rows) {
    const to = mapping[q.col];
    const used = to
      ? await phase.query<{ ok: boolean }>(
          sql`SELECT EXISTS (SELECT 1 FROM pg_attrdef d JOIN pg_depend p ON p.objid = d.oid AND p.classid = 'pg_attrdef'::regclass
                WHERE d.adrelid = ${quotedName(s, table)}::regclass AND p.refobjid = ${q.seq}::regclass) AS ok`,
        )
      : null;
    // One the new table does not use is left to be dropped with the old table.
    if (to && used?.rows[0]?.ok)
      await phase.exec(sql`ALTER SEQUENCE ${raw(q.seq)} OWNED BY ${ident(s, table, to)}`);
  }
}
