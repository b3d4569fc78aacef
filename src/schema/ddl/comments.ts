/** `COMMENT ON …` for any object kind. */
import { lit } from './quote.js';

/** The object kinds `COMMENT ON` takes, as SQL words. */
export type CommentTarget =
  | 'SCHEMA'
  | 'EXTENSION'
  | 'TABLE'
  | 'COLUMN'
  | 'CONSTRAINT'
  | 'INDEX'
  | 'VIEW'
  | 'MATERIALIZED VIEW'
  | 'SEQUENCE'
  | 'TYPE'
  | 'DOMAIN'
  | 'FUNCTION'
  | 'PROCEDURE'
  | 'AGGREGATE'
  | 'TRIGGER'
  | 'POLICY';

/**
 * `COMMENT ON <target> <name> IS '…'` (or `IS NULL` to remove it). `name` is already quoted and
 * carries what the kind needs (`"c" ON "app"."t"` for a constraint, trigger or policy).
 *
 * @example
 * commentSql('TABLE', '"app"."users"', 'people') // COMMENT ON TABLE "app"."users" IS 'people'
 */
export function commentSql(target: CommentTarget, name: string, text: string | null): string {
  return `COMMENT ON ${target} ${name} IS ${text === null ? 'NULL' : lit(text)}`;
}
