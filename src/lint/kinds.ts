/**
 * Names of statement kinds and object types, as SQL writes them.
 */
import type { ObjectType } from 'libpg-query';

/**
 * The SQL words of an object type.
 *
 * @example
 * objectWord('OBJECT_MATVIEW') // 'MATERIALIZED VIEW'
 */
export function objectWord(t: ObjectType | undefined): string {
  if (!t) return 'OBJECT';
  return SPECIAL_WORDS[t] ?? t.slice('OBJECT_'.length).replace(/_/g, ' ');
}

const SPECIAL_WORDS: Partial<Record<ObjectType, string>> = {
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_TABCONSTRAINT: 'CONSTRAINT',
  OBJECT_DOMCONSTRAINT: 'CONSTRAINT',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
  OBJECT_EVENT_TRIGGER: 'EVENT TRIGGER',
  OBJECT_TABLE: 'TABLE',
  OBJECT_INDEX: 'INDEX',
  OBJECT_COLUMN: 'COLUMN',
};

const KINDS: Record<string, string> = {
  CreateStatsStmt: 'CREATE STATISTICS',
  CreateTableSpaceStmt: 'CREATE TABLESPACE',
  DropTableSpaceStmt: 'DROP TABLESPACE',
  CheckPointStmt: 'CHECKPOINT',
  AlterTableMoveAllStmt: 'ALTER TABLE ALL IN TABLESPACE',
  ImportForeignSchemaStmt: 'IMPORT FOREIGN SCHEMA',
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  AlterDatabaseStmt: 'ALTER DATABASE',
  CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  CreateEnumStmt: 'CREATE TYPE',
  CompositeTypeStmt: 'CREATE TYPE',
  DefineStmt: 'CREATE',
  DoStmt: 'DO',
  CallStmt: 'CALL',
};

/**
 * A statement kind from its parse node type, e.g. `CreateSeqStmt` → `CREATE SEQUENCE`.
 *
 * @example
 * kindFromType('AlterOwnerStmt') // 'ALTER OWNER'
 */
export function kindFromType(type: string): string {
  const known = KINDS[type];
  if (known) return known;
  const words = type.replace(/Stmt$/, '').split(/(?=[A-Z])/);
  return words.join(' ').toUpperCase();
}
