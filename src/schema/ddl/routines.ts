/** Functions, procedures and aggregates as printed DDL. */
import type { Routine } from '../model.js';
import { qn } from './quote.js';

/** The SQL word of a routine's kind (`FUNCTION` for window functions too). */
export const routineWord = (r: Pick<Routine, 'kind'>): 'FUNCTION' | 'PROCEDURE' | 'AGGREGATE' =>
  r.kind === 'procedure' ? 'PROCEDURE' : r.kind === 'aggregate' ? 'AGGREGATE' : 'FUNCTION';

/** `"s"."f"(a integer, b text)`: the signature `DROP`, `COMMENT ON` and `GRANT` take. */
export const routineSignature = (r: Routine): string => `${qn(r)}(${r.identityArguments})`;

/** The server's own `CREATE OR REPLACE …` (it ends without a semicolon). */
export const createRoutineSql = (r: Routine): string => r.definition.trim().replace(/;\s*$/, '');

/** `DROP FUNCTION "s"."f"(integer)`. */
export const dropRoutineSql = (r: Routine): string => `DROP ${routineWord(r)} ${routineSignature(r)}`;

/** A map key that tells overloads apart: `app.f(integer)`. */
export const routineKey = (r: Routine): string => `${r.schema}.${r.name}(${r.identityArguments})`;
