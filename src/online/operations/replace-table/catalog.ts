/**
 * Reads everything a `replaceTable` must carry from the old table to the new one, from the catalog,
 * at planning time (before anything changes): PostgreSQL's own deparsed definitions
 * (`pg_get_indexdef`, `pg_get_constraintdef`, `pg_get_triggerdef`, `pg_get_expr`), the columns each
 * object depends on (`pg_depend`, so an object over a dropped column is found, expressions
 * included), and what cannot be carried at all (rules, views, publications, inheritance…).
 */
import type { Connection } from '../../../dialects/dialect.js';
import { type SqlFragment, sql } from '../../../sql/tag.js';
import { run } from '../../db.js';

/** One column of the old table and what hangs on it. */
export interface OldColumn {
  name: string;
  type: string;
  notNull: boolean;
  /** Default expression (not an identity's). */
  default: string | null;
  /** `a` GENERATED ALWAYS, `d` BY DEFAULT, '' none. */
  identity: string;
  /** Expression of a stored generated column. */
  generated: string | null;
  /** Quoted collation name when it is not the type's default. */
  collation: string | null;
  /** Storage when it is not the type's default (`p`, `e`, `m`, `x`). */
  storage: string | null;
  /** Statistics target when set. */
  statistics: number | null;
  comment: string | null;
  /** Columns a generated column's expression reads. */
  uses: string[];
}

/** An index, constraint, trigger or policy, with the columns it depends on. */
export interface OldObject {
  name: string;
  /** Deparsed definition (index: the text after `USING`; trigger: the whole CREATE TRIGGER). */
  def: string;
  comment: string | null;
  columns: string[];
}

export interface OldConstraint extends OldObject {
  /** `c` check, `f` foreign key, `u` unique, `x` exclusion. */
  type: string;
}

export interface OldTrigger extends OldObject {
  /** What follows the table in `def` (`def` itself ends before ` ON <table> `). */
  tail: string;
  /** `pg_trigger.tgenabled`: `O` origin, `D` disabled, `R` replica, `A` always. */
  enabled: string;
  /** A BEFORE ROW trigger on INSERT or UPDATE (it may change the rows written). */
  rowBefore: boolean;
}

export interface OldPolicy extends OldObject {
  permissive: boolean;
  /** `r` SELECT, `a` INSERT, `w` UPDATE, `d` DELETE, `*` ALL. */
  cmd: string;
  /** Quoted role names, or PUBLIC. */
  roles: string[];
  using: string | null;
  check: string | null;
}

/** The sequence behind an identity column. */
export interface OldIdentity {
  column: string;
  mode: string;
  schema: string;
  sequence: string;
  increment: string;
  min: string;
  max: string;
  start: string;
  cache: string;
  cycle: boolean;
  /** False when `max` is the default of the sequence's type (then the new column's type decides). */
  customMax: boolean;
}

/** The old table's definition, as `replaceTable` carries it. */
export interface TableDefinition {
  owner: string;
  comment: string | null;
  reloptions: string[];
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  /** `d` default, `n` nothing, `f` full, `i` index. */
  replicaIdentity: string;
  replicaIndex: string | null;
  columns: OldColumn[];
  /** `pg_get_constraintdef` of the primary key (`PRIMARY KEY (id) INCLUDE (…)`), if any. */
  primaryKey: string | null;
  /** Indexes that back no constraint (the primary key's is handled apart). */
  indexes: (OldObject & { unique: boolean })[];
  constraints: OldConstraint[];
  triggers: OldTrigger[];
  policies: OldPolicy[];
  identities: OldIdentity[];
  /** What cannot be carried, one description each (`rule "r" on the table`). */
  blockers: string[];
}

async function rows<R>(conn: Connection, f: SqlFragment): Promise<R[]> {
  return (await run<R>(conn, f)).rows;
}

/**
 * Reads `schema.table`'s definition.
 *
 * @example
 * const def = await readTableDefinition(conn, 'public', 'users');
 * def.indexes.map((i) => i.name);
 */
export async function readTableDefinition(
  conn: Connection,
  schema: string,
  table: string,
): Promise<TableDefinition> {
  const oid = sql`(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${schema} AND c.relname = ${table})`;
  const [rel] = await rows<{
    owner: string;
    comment: string | null;
    reloptions: string[] | null;
    rls: boolean;
    force: boolean;
    replident: string;
    replindex: string | null;
    qualified: string;
  }>(
    conn,
    sql`SELECT quote_ident(pg_get_userbyid(c.relowner)) AS owner, obj_description(c.oid, 'pg_class') AS comment,
               c.reloptions, c.relrowsecurity AS rls, c.relforcerowsecurity AS force, c.relreplident::text AS replident,
               (SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                 WHERE x.indrelid = c.oid AND x.indisreplident) AS replindex,
               quote_ident(${schema}) || '.' || quote_ident(${table}) AS qualified
          FROM pg_class c WHERE c.oid = ${oid}`,
  );
  if (!rel) throw new Error(`table ${schema}.${table} not found`);
  const deps = await rows<{ cls: string; objid: string; col: string }>(
    conn,
    sql`SELECT d.classid::regclass::text AS cls, d.objid::text AS objid, a.attname AS col
          FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ${oid} AND d.refobjsubid > 0`,
  );
  const uses = (cls: string, objid: string, extra: string[] = []) => [
    ...new Set([...extra, ...deps.filter((d) => d.cls === cls && d.objid === objid).map((d) => d.col)]),
  ];
  const columns = await rows<OldColumn & { attrdef: string | null }>(
    conn,
    sql`SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
               CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default,
               a.attidentity::text AS identity,
               CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated,
               CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                    THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
                            JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END AS collation,
               CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
               CASE WHEN a.attstattarget >= 0 THEN a.attstattarget END AS statistics,
               col_description(a.attrelid, a.attnum) AS comment, d.oid::text AS attrdef
          FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = ${oid} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
  );
  const indexes = await rows<OldObject & { oid: string; full: string; cols: string[]; unique: boolean }>(
    conn,
    sql`SELECT i.relname AS name, pg_get_indexdef(i.oid) AS full, x.indisunique AS unique, obj_description(i.oid, 'pg_class') AS comment,
               i.oid::text AS oid,
               ARRAY(SELECT a.attname FROM unnest(x.indkey) k JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k)::text[] AS cols
          FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         WHERE x.indrelid = ${oid} AND NOT x.indisprimary
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
         ORDER BY i.relname`,
  );
  const constraints = await rows<OldConstraint & { oid: string; cols: string[] }>(
    conn,
    sql`SELECT c.conname AS name, c.contype::text AS type, pg_get_constraintdef(c.oid) AS def,
               obj_description(c.oid, 'pg_constraint') AS comment, c.oid::text AS oid,
               ARRAY(SELECT a.attname FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k)::text[] AS cols
          FROM pg_constraint c WHERE c.conrelid = ${oid} AND c.contype IN ('c', 'f', 'u', 'x', 'p') ORDER BY c.conname`,
  );
  const triggers = await rows<OldTrigger & { oid: string; cols: string[] }>(
    conn,
    sql`SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS def, t.tgenabled::text AS enabled,
               (t.tgtype & 3 = 3 AND t.tgtype & 20 <> 0) AS "rowBefore",
               obj_description(t.oid, 'pg_trigger') AS comment, t.oid::text AS oid,
               ARRAY(SELECT a.attname FROM unnest(t.tgattr) k JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k)::text[] AS cols
          FROM pg_trigger t WHERE t.tgrelid = ${oid} AND NOT t.tgisinternal ORDER BY t.tgname`,
  );
  const policies = await rows<OldPolicy & { oid: string }>(
    conn,
    sql`SELECT p.polname AS name, p.polpermissive AS permissive, p.polcmd::text AS cmd,
               ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END FROM unnest(p.polroles) r)::text[] AS roles,
               pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS check,
               obj_description(p.oid, 'pg_policy') AS comment, p.oid::text AS oid, '' AS def
          FROM pg_policy p WHERE p.polrelid = ${oid} ORDER BY p.polname`,
  );
  const identities = await rows<OldIdentity>(
    conn,
    sql`SELECT a.attname AS column, a.attidentity::text AS mode, sn.nspname AS schema, s.relname AS sequence,
               q.seqincrement::text AS increment, q.seqmin::text AS min, q.seqmax::text AS max,
               q.seqstart::text AS start, q.seqcache::text AS cache, q.seqcycle AS cycle,
               q.seqmax <> CASE q.seqtypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647
                                ELSE 9223372036854775807 END AS "customMax"
          FROM pg_attribute a
          JOIN pg_depend d ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i'
               AND d.classid = 'pg_class'::regclass
          JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
          JOIN pg_namespace sn ON sn.oid = s.relnamespace
          JOIN pg_sequence q ON q.seqrelid = s.oid
         WHERE a.attrelid = ${oid} AND a.attidentity <> ''`,
  );
  const blockers = await readBlockers(conn, oid);
  // Definitions are split around the table's name; one PostgreSQL writes otherwise (`ON ONLY` of a
  // partitioned table, already refused) is refused rather than guessed at.
  const split = (what: string, text: string, sep: string): [string, string] => {
    const at = text.indexOf(sep);
    if (at >= 0) return [text.slice(0, at), text.slice(at + sep.length)];
    blockers.push(`${what} (its definition could not be read: ${text})`);
    return ['', ''];
  };
  return {
    owner: rel.owner,
    comment: rel.comment,
    reloptions: rel.reloptions ?? [],
    rowSecurity: rel.rls,
    forceRowSecurity: rel.force,
    replicaIdentity: rel.replident,
    replicaIndex: rel.replindex,
    columns: columns.map(({ attrdef, ...c }) => ({ ...c, uses: attrdef ? uses('pg_attrdef', attrdef) : [] })),
    indexes: indexes.map((i) => ({
      name: i.name,
      def: split(`index "${i.name}"`, i.full, ` ON ${rel.qualified} USING `)[1],
      unique: i.unique,
      comment: i.comment,
      columns: uses('pg_class', i.oid, i.cols),
    })),
    primaryKey: constraints.find((c) => c.type === 'p')?.def ?? null,
    constraints: constraints
      .filter((c) => c.type !== 'p')
      .map((c) => ({ ...pick(c), type: c.type, columns: uses('pg_constraint', c.oid, c.cols) })),
    triggers: triggers.map((t) => {
      const [head, tail] = split(`trigger "${t.name}"`, t.def, ` ON ${rel.qualified} `);
      const columns = uses('pg_trigger', t.oid, t.cols);
      return { ...pick(t), def: head, tail, enabled: t.enabled, rowBefore: t.rowBefore, columns };
    }),
    policies: policies.map(({ oid: policy, ...p }) => ({ ...p, columns: uses('pg_policy', policy) })),
    identities,
    blockers,
  };
}

function pick(o: OldObject): OldObject {
  return { name: o.name, def: o.def, comment: o.comment, columns: [] };
}

/** What the new table could not get, described for the refusal message. */
async function readBlockers(conn: Connection, oid: SqlFragment): Promise<string[]> {
  const r = await rows<{ what: string }>(
    conn,
    sql`SELECT 'rule "' || r.rulename || '" on the table' AS what FROM pg_rewrite r
         WHERE r.ev_class = ${oid} AND r.rulename <> '_RETURN'
        UNION ALL
        SELECT DISTINCT 'view ' || v.oid::regclass::text || ', which reads the table' FROM pg_depend d
          JOIN pg_rewrite w ON w.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
          JOIN pg_class v ON v.oid = w.ev_class
          JOIN pg_namespace vn ON vn.oid = v.relnamespace
         WHERE d.refobjid = ${oid} AND v.oid <> ${oid} AND vn.nspname NOT LIKE 'sluice\\_%'
        UNION ALL
        SELECT 'publication "' || p.pubname || '"' FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
         WHERE pr.prrelid = ${oid}
        UNION ALL
        SELECT 'extended statistics "' || s.stxname || '"' FROM pg_statistic_ext s WHERE s.stxrelid = ${oid}
        UNION ALL
        SELECT 'inheritance (' || i.inhrelid::regclass::text || ' inherits ' || i.inhparent::regclass::text || ')'
          FROM pg_inherits i WHERE i.inhrelid = ${oid} OR i.inhparent = ${oid}
        UNION ALL
        SELECT 'table type (it is a partitioned, typed or non-default-tablespace table)' FROM pg_class c
         WHERE c.oid = ${oid} AND (c.relkind <> 'r' OR c.reloftype <> 0 OR c.reltablespace <> 0)
        UNION ALL
        SELECT 'foreign key "' || c.conname || '" of table ' || c.conrelid::regclass::text || ', which references it'
          FROM pg_constraint c WHERE c.confrelid = ${oid} AND c.conrelid <> ${oid} AND c.contype = 'f'
        UNION ALL
        SELECT 'foreign key "' || c.conname || '" from the table to itself (it would keep pointing at the old table)'
          FROM pg_constraint c WHERE c.confrelid = ${oid} AND c.conrelid = ${oid} AND c.contype = 'f'`,
  );
  return r.map((x) => x.what);
}
