/** Table constraints and indexes as printed DDL. */
import type { Constraint, Index, ObjectName } from '../model.js';
import { q, qn } from './quote.js';

/**
 * `ALTER TABLE … ADD CONSTRAINT "c" <definition>`, `NOT VALID` when it was never validated.
 *
 * @example
 * addConstraintSql(users, check) // ALTER TABLE "app"."users" ADD CONSTRAINT "users_age_check" CHECK ((age > 0))
 */
export const addConstraintSql = (table: ObjectName, c: Constraint): string =>
  `ALTER TABLE ${qn(table)} ADD CONSTRAINT ${q(c.name)} ${c.definition}${c.validated ? '' : ' NOT VALID'}`;

/** `ALTER TABLE … DROP CONSTRAINT "c"`. */
export const dropConstraintSql = (table: ObjectName, name: string): string =>
  `ALTER TABLE ${qn(table)} DROP CONSTRAINT ${q(name)}`;

/**
 * `CREATE [UNIQUE] INDEX "i" ON "s"."t" <definition>`.
 *
 * @example
 * createIndexSql(users, index) // CREATE INDEX "users_org_inc" ON "app"."users" USING btree (org_id) INCLUDE (age)
 */
export const createIndexSql = (table: ObjectName, i: Index): string =>
  `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${q(i.name)} ON ${qn(table)} ${i.definition}`;

/** `DROP INDEX "s"."i"` (an index lives in its table's schema). */
export const dropIndexSql = (table: ObjectName, name: string): string =>
  `DROP INDEX ${qn({ schema: table.schema, name })}`;
