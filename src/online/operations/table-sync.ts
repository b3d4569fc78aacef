/**
 * Row-level sync between two tables for a blue-green `replaceTable`: an AFTER INSERT OR UPDATE OR
 * DELETE trigger on one table upserts (or deletes) the matching row of the other, mapping columns
 * through SQL expressions over the written row.
 *
 * Both directions are installed, so a write through either version reaches the other table. A
 * transaction-local setting (`sluice.sync`) is raised while a sync trigger writes, and a sync
 * trigger that sees it raised does nothing: that is what stops the ping-pong, and unlike
 * `pg_trigger_depth()` it does not skip writes the application itself makes from its own triggers.
 * The backfill session raises it for its whole session, so copied rows are not echoed back.
 */
import { ident, join, raw, type SqlFragment, sql } from '../../sql/tag.js';

/** The setting that marks a write made by a sync trigger. */
export const SYNC_SETTING = 'sluice.sync';

export interface SyncSpec {
  schema: string;
  source: string;
  target: string;
  /** Target column → SQL expression over the source row's columns. */
  columns: Record<string, string>;
  /** Key columns (same names in both tables). */
  key: string[];
  functionName: string;
  triggerName: string;
  /**
   * Target column → SQL over the target's row: after writing the target, write the target row
   * back into the source row through these. For a target whose own BEFORE triggers change the rows
   * written into it (so the source ends up with what the target's triggers made of the row).
   */
  echo?: Record<string, string>;
}

/**
 * Statements that (re)install one direction of the sync (idempotent, catalog-only).
 *
 * @example
 * for (const statement of syncStatements({ schema: 'public', source: 'users', target: '_sluice_users', … })) await run(conn, statement);
 */
export function syncStatements(spec: SyncSpec): SqlFragment[] {
  const target = ident(spec.schema, spec.target);
  const cols = Object.keys(spec.columns);
  const exprs = join(Object.values(spec.columns).map((e) => sql`(${raw(e)})`));
  const nonKey = cols.filter((c) => !spec.key.includes(c));
  const onConflict = nonKey.length
    ? sql`DO UPDATE SET ${join(nonKey.map((c) => sql`${ident(c)} = EXCLUDED.${ident(c)}`))}`
    : raw('DO NOTHING');
  const keyOf = (rec: string) => join(spec.key.map((k) => sql`${raw(rec)}.${ident(k)}`));
  const keyCols = join(spec.key.map((k) => ident(k)));
  const flag = sql`current_setting(${raw(`'${SYNC_SETTING}'`)}, true)`;
  const echoCols = Object.keys(spec.echo ?? {}).filter((c) => !spec.key.includes(c));
  const echo = echoCols.length
    ? sql`
    UPDATE ${ident(spec.schema, spec.source)} AS sluice_src SET ${join(echoCols.map((c) => sql`${ident(c)} = sluice_echo.${ident(c)}`))}
      FROM (SELECT ${join(echoCols.map((c) => sql`(${raw(spec.echo?.[c] ?? '')}) AS ${ident(c)}`))}
              FROM ${target} AS sluice_row WHERE (${join(spec.key.map((k) => sql`sluice_row.${ident(k)}`))}) = (${keyOf('NEW')})) AS sluice_echo
     WHERE (${join(spec.key.map((k) => sql`sluice_src.${ident(k)}`))}) = (${keyOf('NEW')});`
    : raw('');
  const fn = ident(spec.schema, spec.functionName);
  const body = sql`BEGIN
  IF ${flag} = 'on' THEN RETURN NULL; END IF;
  PERFORM set_config(${raw(`'${SYNC_SETTING}'`)}, 'on', true);
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (${keyOf('OLD')}) IS DISTINCT FROM (${keyOf('NEW')})) THEN
    DELETE FROM ${target} WHERE (${keyCols}) = (${keyOf('OLD')});
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO ${target} (${join(cols.map((c) => ident(c)))}) OVERRIDING SYSTEM VALUE
      SELECT ${exprs} FROM (SELECT NEW.*) AS sluice_row
      ON CONFLICT (${keyCols}) ${onConflict};${echo}
  END IF;
  PERFORM set_config(${raw(`'${SYNC_SETTING}'`)}, '', true);
  RETURN NULL;
END`;
  const trg = ident(spec.triggerName);
  const source = ident(spec.schema, spec.source);
  return [
    sql`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $sluice$\n${body}\n$sluice$`,
    sql`DROP TRIGGER IF EXISTS ${trg} ON ${source}`,
    sql`CREATE TRIGGER ${trg} AFTER INSERT OR UPDATE OR DELETE ON ${source} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}
