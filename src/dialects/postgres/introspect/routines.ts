/** Functions, procedures, aggregates and window functions. */
import type { Routine } from '../../../schema/model.js';
import type { Connection } from '../../dialect.js';
import { aggregateDefinitions } from './aggregates.js';
import { rows } from './query.js';

interface Row {
  oid: string;
  schema: string;
  name: string;
  kind: string;
  identity_arguments: string;
  returns: string | null;
  language: string;
  definition: string | null;
  comment: string | null;
}

const KINDS: Record<string, Routine['kind']> = {
  f: 'function',
  p: 'procedure',
  a: 'aggregate',
  w: 'window',
};

/**
 * Reads the routines `oids`, by schema, name and identity arguments.
 *
 * @example
 * const [touch] = await readRoutines(conn, ['16440']); touch?.definition // 'CREATE OR REPLACE FUNCTION app.touch() …'
 */
export async function readRoutines(conn: Connection, oids: readonly string[]): Promise<Routine[]> {
  if (oids.length === 0) return [];
  const found = await rows<Row>(
    conn,
    `SELECT p.oid::text AS oid, n.nspname AS schema, p.proname AS name, p.prokind::text AS kind,
            pg_get_function_identity_arguments(p.oid) AS identity_arguments,
            CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS returns,
            l.lanname AS language,
            CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS definition,
            obj_description(p.oid, 'pg_proc') AS comment
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace
       JOIN pg_language l ON l.oid = p.prolang
      WHERE p.oid = ANY($1::oid[])
      ORDER BY n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) COLLATE "C"`,
    [oids],
  );
  const aggregates = await aggregateDefinitions(
    conn,
    found.filter((r) => r.kind === 'a').map((r) => r.oid),
  );
  return found.map((r) => ({
    schema: r.schema,
    name: r.name,
    kind: KINDS[r.kind] ?? 'function',
    identityArguments: r.identity_arguments,
    returns: r.returns,
    language: r.language,
    // pg_get_functiondef ends with a newline after the body; a semicolon is the printer's to add.
    definition: (r.definition ?? aggregates.get(r.oid) ?? '').trimEnd(),
    comment: r.comment,
  }));
}
