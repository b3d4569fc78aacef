/** Enums, domains, composite types and sequences as printed DDL. */
import type { CompositeType, Domain, EnumType, Sequence } from '../model.js';
import { collate, lit, q, qn } from './quote.js';

/** `CREATE TYPE "s"."mood" AS ENUM ('sad', 'ok')`. */
export const createEnumSql = (e: EnumType): string =>
  `CREATE TYPE ${qn(e)} AS ENUM (${e.values.map(lit).join(', ')})`;

/**
 * `CREATE DOMAIN "s"."d" AS <type> [COLLATE …] [DEFAULT …] [NOT NULL] [CONSTRAINT "c" CHECK …]`.
 *
 * @example
 * createDomainSql(positive) // CREATE DOMAIN "app"."positive" AS integer CONSTRAINT "positive_check" CHECK ((VALUE > 0))
 */
export function createDomainSql(d: Domain): string {
  let out = `CREATE DOMAIN ${qn(d)} AS ${d.type}${collate(d.collation)}`;
  if (d.default !== null) out += ` DEFAULT ${d.default}`;
  if (!d.nullable) out += ' NOT NULL';
  for (const c of d.checks) if (c.validated) out += ` CONSTRAINT ${q(c.name)} ${c.definition}`;
  // CREATE DOMAIN validates every check: a NOT VALID one is added after it.
  for (const c of d.checks)
    if (!c.validated) out += `;\nALTER DOMAIN ${qn(d)} ADD CONSTRAINT ${q(c.name)} ${c.definition} NOT VALID`;
  return out;
}

/** `CREATE TYPE "s"."t" AS ("a" integer, …)`. */
export const createCompositeSql = (c: CompositeType): string =>
  `CREATE TYPE ${qn(c)} AS (${c.attributes.map((a) => `${q(a.name)} ${a.type}${collate(a.collation)}`).join(', ')})`;

/** `DROP TYPE "s"."t"` (enums and composites). */
export const dropTypeSql = (name: { schema: string; name: string }): string => `DROP TYPE ${qn(name)}`;

/** `DROP DOMAIN "s"."d"`. */
export const dropDomainSql = (name: { schema: string; name: string }): string => `DROP DOMAIN ${qn(name)}`;

/** The options of a sequence, as `CREATE SEQUENCE` and `ALTER SEQUENCE` take them. */
export const sequenceOptions = (s: Sequence): string =>
  `AS ${s.type} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ' NO CYCLE'}`;

/**
 * `CREATE SEQUENCE "s"."n" AS integer INCREMENT BY 1 …`. Ownership is set separately
 * ({@link sequenceOwnedBySql}) once the owning table exists.
 */
export const createSequenceSql = (s: Sequence): string => `CREATE SEQUENCE ${qn(s)} ${sequenceOptions(s)}`;

/** `ALTER SEQUENCE … <options>`: every option, so the result does not depend on the old ones. */
export const alterSequenceSql = (s: Sequence): string => `ALTER SEQUENCE ${qn(s)} ${sequenceOptions(s)}`;

/** `ALTER SEQUENCE … OWNED BY "s"."t"."c"` (or `NONE`). */
export const sequenceOwnedBySql = (s: Sequence): string =>
  `ALTER SEQUENCE ${qn(s)} OWNED BY ${s.ownedBy === null ? 'NONE' : `${qn(s.ownedBy.table)}.${q(s.ownedBy.column)}`}`;

/**
 * The options of an identity column's sequence, as `ALTER TABLE … ALTER COLUMN … SET …` takes them
 * (its type follows the column's).
 *
 * @example
 * identityOptionsSql(seq) // ALTER TABLE "app"."users" ALTER COLUMN "id" SET INCREMENT BY 1 SET MINVALUE 1 …
 */
export function identityOptionsSql(s: Sequence): string {
  const owner = s.ownedBy!;
  return `ALTER TABLE ${qn(owner.table)} ALTER COLUMN ${q(owner.column)} SET INCREMENT BY ${s.increment} SET MINVALUE ${s.min} SET MAXVALUE ${s.max} SET START WITH ${s.start} SET CACHE ${s.cache} SET ${s.cycle ? '' : 'NO '}CYCLE`;
}

const TYPE_MAX: Record<string, string> = {
  smallint: '32767',
  integer: '2147483647',
  bigint: '9223372036854775807',
};

/** Whether an identity sequence has the options `GENERATED … AS IDENTITY` gives it by itself. */
export const defaultIdentity = (s: Sequence): boolean =>
  s.start === '1' &&
  s.increment === '1' &&
  s.min === '1' &&
  s.max === TYPE_MAX[s.type] &&
  s.cache === '1' &&
  !s.cycle;

/** `DROP SEQUENCE "s"."n"`. */
export const dropSequenceSql = (name: { schema: string; name: string }): string =>
  `DROP SEQUENCE ${qn(name)}`;
