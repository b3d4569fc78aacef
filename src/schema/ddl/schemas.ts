/** Schemas and extensions. */
import type { Extension, Schema } from '../model.js';
import { lit, q } from './quote.js';

/** `CREATE SCHEMA "app"`. */
export const createSchemaSql = (schema: Pick<Schema, 'name'>): string => `CREATE SCHEMA ${q(schema.name)}`;

/** `DROP SCHEMA "app"` (never cascading: what it holds is dropped first, one by one). */
export const dropSchemaSql = (name: string): string => `DROP SCHEMA ${q(name)}`;

/**
 * `CREATE EXTENSION "pg_trgm" WITH SCHEMA "public" VERSION '1.6'`.
 *
 * @example
 * createExtensionSql({ name: 'pg_trgm', schema: 'public', version: '1.6', comment: null })
 */
export const createExtensionSql = (e: Extension): string =>
  `CREATE EXTENSION ${q(e.name)} WITH SCHEMA ${q(e.schema)} VERSION ${lit(e.version)}`;

/** `DROP EXTENSION "pg_trgm"`. */
export const dropExtensionSql = (name: string): string => `DROP EXTENSION ${q(name)}`;
