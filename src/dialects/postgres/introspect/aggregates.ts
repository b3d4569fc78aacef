/**
 * `CREATE AGGREGATE` texts, built from `pg_aggregate`: the server has no printer for aggregates
 * (`pg_get_functiondef` refuses them). Every option the catalog records is written, defaults left
 * out, so two identical aggregates print identically.
 */
import type { Connection } from '../../dialect.js';
import { rows } from './query.js';

interface Row {
  oid: string;
  qname: string;
  kind: string;
  arguments: string;
  sfunc: string;
  stype: string;
  sspace: number;
  finalfunc: string | null;
  finalextra: boolean;
  finalmodify: string;
  combinefunc: string | null;
  serialfunc: string | null;
  deserialfunc: string | null;
  initcond: string | null;
  msfunc: string | null;
  minvfunc: string | null;
  mstype: string | null;
  msspace: number;
  mfinalfunc: string | null;
  mfinalextra: boolean;
  mfinalmodify: string;
  minitcond: string | null;
  sortop: string | null;
  parallel: string;
}

const MODIFY: Record<string, string> = { r: 'READ_ONLY', s: 'SHAREABLE', w: 'READ_WRITE' };
const PARALLEL: Record<string, string> = { s: 'SAFE', r: 'RESTRICTED' };

/** `'text'` as an SQL string literal. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

function definition(r: Row): string {
  // An ordered-set aggregate's finalfunc is READ_WRITE by default, any other's READ_ONLY.
  const modifyDefault = r.kind === 'n' ? 'r' : 'w';
  const options: [string, string | null][] = [
    ['SFUNC', r.sfunc],
    ['STYPE', r.stype],
    ['SSPACE', r.sspace > 0 ? String(r.sspace) : null],
    ['FINALFUNC', r.finalfunc],
    ['FINALFUNC_EXTRA', r.finalextra ? '' : null],
    [
      'FINALFUNC_MODIFY',
      r.finalfunc && r.finalmodify !== modifyDefault ? (MODIFY[r.finalmodify] ?? null) : null,
    ],
    ['COMBINEFUNC', r.combinefunc],
    ['SERIALFUNC', r.serialfunc],
    ['DESERIALFUNC', r.deserialfunc],
    ['INITCOND', r.initcond === null ? null : literal(r.initcond)],
    ['MSFUNC', r.msfunc],
    ['MINVFUNC', r.minvfunc],
    ['MSTYPE', r.mstype],
    ['MSSPACE', r.msspace > 0 ? String(r.msspace) : null],
    ['MFINALFUNC', r.mfinalfunc],
    ['MFINALFUNC_EXTRA', r.mfinalextra ? '' : null],
    ['MFINALFUNC_MODIFY', r.mfinalfunc && r.mfinalmodify !== 'r' ? (MODIFY[r.mfinalmodify] ?? null) : null],
    ['MINITCOND', r.minitcond === null ? null : literal(r.minitcond)],
    ['SORTOP', r.sortop],
    ['PARALLEL', PARALLEL[r.parallel] ?? null],
    ['HYPOTHETICAL', r.kind === 'h' ? '' : null],
  ];
  const written = options
    .filter((o): o is [string, string] => o[1] !== null)
    .map(([name, value]) => (value === '' ? `    ${name}` : `    ${name} = ${value}`));
  const args = r.arguments === '' ? '*' : r.arguments;
  return `CREATE OR REPLACE AGGREGATE ${r.qname}(${args}) (\n${written.join(',\n')}\n)`;
}

/** SQL: the name of function `column` (a regproc), or null for none. */
const fn = (column: string) => `CASE WHEN ${column}::oid <> 0 THEN ${column}::text END`;

/**
 * The `CREATE OR REPLACE AGGREGATE` of each aggregate among `oids`, by oid. Function and type names
 * in it are printed as the session's search path makes them (qualified under a pinned path).
 *
 * @example
 * const texts = await aggregateDefinitions(conn, ['16500']); texts.get('16500')
 */
export async function aggregateDefinitions(
  conn: Connection,
  oids: readonly string[],
): Promise<Map<string, string>> {
  if (oids.length === 0) return new Map();
  const found = await rows<Row>(
    conn,
    `SELECT a.aggfnoid::oid::text AS oid, quote_ident(n.nspname) || '.' || quote_ident(p.proname) AS qname,
            a.aggkind::text AS kind, pg_get_function_arguments(p.oid) AS arguments,
            a.aggtransfn::text AS sfunc, format_type(a.aggtranstype, NULL) AS stype, a.aggtransspace AS sspace,
            ${fn('a.aggfinalfn')} AS finalfunc, a.aggfinalextra AS finalextra, a.aggfinalmodify::text AS finalmodify,
            ${fn('a.aggcombinefn')} AS combinefunc, ${fn('a.aggserialfn')} AS serialfunc,
            ${fn('a.aggdeserialfn')} AS deserialfunc, a.agginitval AS initcond,
            ${fn('a.aggmtransfn')} AS msfunc, ${fn('a.aggminvtransfn')} AS minvfunc,
            CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype,
            a.aggmtransspace AS msspace, ${fn('a.aggmfinalfn')} AS mfinalfunc, a.aggmfinalextra AS mfinalextra,
            a.aggmfinalmodify::text AS mfinalmodify, a.aggminitval AS minitcond,
            (SELECT CASE WHEN opn.nspname = 'pg_catalog' THEN o.oprname
                         ELSE 'OPERATOR(' || quote_ident(opn.nspname) || '.' || o.oprname || ')' END
               FROM pg_operator o JOIN pg_namespace opn ON opn.oid = o.oprnamespace
              WHERE o.oid = a.aggsortop) AS sortop,
            p.proparallel::text AS parallel
       FROM pg_aggregate a
       JOIN pg_proc p ON p.oid = a.aggfnoid
       JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE a.aggfnoid::oid = ANY($1::oid[])`,
    [oids],
  );
  return new Map(found.map((r) => [r.oid, definition(r)]));
}
