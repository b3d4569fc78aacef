/**
 * Everything the catalog says about one table, one sorted line per fact, so two tables (or one
 * table before and after a swap) can be compared: columns (type, nullability, default, identity,
 * generation, collation, storage, statistics, comment, grants), indexes, constraints, triggers and
 * their states, policies, row-level security, replica identity, storage parameters, owner, grants,
 * comments, and the identity sequence's options.
 */
import type pg from 'pg';

export async function tableFingerprint(c: pg.Client, table: string): Promise<string[]> {
  const r = await c.query(
    `WITH t AS (SELECT $1::regclass AS oid)
     SELECT x FROM (
       SELECT 'col ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' nn=' || a.attnotnull
              || ' def=' || coalesce(CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END, '')
              || ' id=' || a.attidentity::text || ' gen=' || coalesce(CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END, '')
              || ' coll=' || a.attcollation::regcollation::text || ' st=' || a.attstorage::text || ' stat=' || a.attstattarget
              || ' cmt=' || coalesce(col_description(a.attrelid, a.attnum), '') || ' acl=' || coalesce(a.attacl::text, '') AS x
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = (SELECT oid FROM t) AND a.attnum > 0 AND NOT a.attisdropped
       UNION ALL
       SELECT 'idx ' || pg_get_indexdef(x.indexrelid) || ' replident=' || x.indisreplident
              || ' cmt=' || coalesce(obj_description(x.indexrelid, 'pg_class'), '')
         FROM pg_index x WHERE x.indrelid = (SELECT oid FROM t)
       UNION ALL
       SELECT 'con ' || conname || ' ' || pg_get_constraintdef(oid) || ' valid=' || convalidated
              || ' cmt=' || coalesce(obj_description(oid, 'pg_constraint'), '')
         FROM pg_constraint WHERE conrelid = (SELECT oid FROM t)
       UNION ALL
       SELECT 'trg ' || pg_get_triggerdef(oid) || ' enabled=' || tgenabled::text || ' cmt=' || coalesce(obj_description(oid, 'pg_trigger'), '')
         FROM pg_trigger WHERE tgrelid = (SELECT oid FROM t) AND NOT tgisinternal
       UNION ALL
       SELECT 'pol ' || polname || ' ' || polcmd::text || ' ' || polpermissive || ' ' || polroles::regrole[]::text
              || ' using=' || coalesce(pg_get_expr(polqual, polrelid), '') || ' check=' || coalesce(pg_get_expr(polwithcheck, polrelid), '')
              || ' cmt=' || coalesce(obj_description(oid, 'pg_policy'), '')
         FROM pg_policy WHERE polrelid = (SELECT oid FROM t)
       UNION ALL
       SELECT 'rel rls=' || relrowsecurity || ' force=' || relforcerowsecurity || ' replident=' || relreplident::text
              || ' opts=' || coalesce(reloptions::text, '') || ' owner=' || relowner::regrole::text
              || ' acl=' || coalesce(relacl::text, '') || ' cmt=' || coalesce(obj_description(oid, 'pg_class'), '')
              || ' kind=' || relkind::text || ' persistence=' || relpersistence::text
         FROM pg_class WHERE oid = (SELECT oid FROM t)
       UNION ALL
       SELECT 'seq ' || a.attname || ' ' || pg_get_serial_sequence($1::text, a.attname::text) || ' ' || s.seqtypid::regtype::text
              || ' ' || s.seqstart || ' ' || s.seqincrement || ' ' || s.seqmin || ' ' || s.seqmax || ' ' || s.seqcache || ' ' || s.seqcycle
         FROM pg_attribute a JOIN pg_sequence s ON s.seqrelid = pg_get_serial_sequence($1::text, a.attname::text)::regclass
        WHERE a.attrelid = (SELECT oid FROM t) AND a.attnum > 0 AND NOT a.attisdropped
     ) f ORDER BY x`,
    [table],
  );
  return r.rows.map((row) => row.x as string);
}

/** Lines only in `a`, and lines only in `b`. */
export function difference(a: string[], b: string[]): { removed: string[]; added: string[] } {
  return { removed: a.filter((x) => !b.includes(x)), added: b.filter((x) => !a.includes(x)) };
}
