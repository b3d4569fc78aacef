/**
 * ALTER TABLE, subcommand by subcommand: the lock each takes (ALTER TABLE's reference page lists
 * the exceptions to ACCESS EXCLUSIVE), and whether it rewrites or scans the table.
 */
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint } from 'libpg-query';
import { isSerialType } from '../dialects/postgres/serial-types.js';
import { columnConstraints, relationName, typeInfo } from './ast.js';
import { isSafeTypeChange } from './column-types.js';
import type { LockSet } from './locks.js';
import type { SchemaModel } from './schema.js';
import type { ChangeClass, PgLockMode } from './types.js';
import { isNullConstant, volatility } from './volatility.js';

export interface AnalyzeEnv {
  pgVersion: number;
  schema?: SchemaModel;
}

/** Accumulated effects of one statement. */
export interface Effects {
  locks: LockSet;
  rewrites: boolean;
  scans: boolean;
  transactional: boolean;
  classes: ChangeClass[];
}

/** Why adding this column rewrites the table, or null when it does not. */
export function addColumnRewriteReason(def: ColumnDef, pgVersion: number): string | null {
  if (isSerialType(typeInfo(def.typeName).name))
    return 'a serial column fills every existing row from a sequence';
  for (const c of columnConstraints(def)) {
    if (c.contype === 'CONSTR_IDENTITY') return 'an identity column fills every existing row from a sequence';
    if (c.contype === 'CONSTR_GENERATED')
      return 'a stored generated column is computed for every existing row';
    if (c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr)) {
      const v = volatility(c.raw_expr);
      if (v === 'volatile') return 'a volatile default is computed for every existing row';
      if (v === 'unknown') return 'a default that may be volatile is computed for every existing row';
      if (pgVersion < 11) return `before PostgreSQL 11 any default is written to every existing row`;
    }
  }
  return null;
}

function addColumn(stmtTable: string, def: ColumnDef, env: AnalyzeEnv, fx: Effects): void {
  fx.locks.add(stmtTable, 'ACCESS EXCLUSIVE');
  if (addColumnRewriteReason(def, env.pgVersion)) fx.rewrites = true;
  const cons = columnConstraints(def);
  const hasDefault = cons.some(
    (c) => (c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr)) || c.contype === 'CONSTR_IDENTITY',
  );
  for (const c of cons) {
    if (c.contype === 'CONSTR_NOTNULL' && !hasDefault) fx.scans = true;
    if (c.contype === 'CONSTR_CHECK' && !c.skip_validation) fx.scans = true;
    if (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') fx.scans = true;
    if (c.contype === 'CONSTR_FOREIGN') {
      fx.locks.add(relationName(c.pktable), 'SHARE ROW EXCLUSIVE');
      if (!c.skip_validation) fx.scans = true;
    }
  }
  fx.classes.push('additive');
}

function addConstraint(table: string, c: Constraint, fx: Effects): void {
  fx.classes.push('additive');
  if (c.contype === 'CONSTR_FOREIGN') {
    fx.locks.add(table, 'SHARE ROW EXCLUSIVE');
    fx.locks.add(relationName(c.pktable), 'SHARE ROW EXCLUSIVE');
    if (!c.skip_validation) fx.scans = true;
    return;
  }
  fx.locks.add(table, 'ACCESS EXCLUSIVE');
  if (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_NOTNULL') {
    if (!c.skip_validation) fx.scans = true;
  } else if (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') {
    if (!c.indexname) fx.scans = true;
  } else if (c.contype === 'CONSTR_EXCLUSION') fx.scans = true;
}

function alterType(table: string, cmd: AlterTableCmd, env: AnalyzeEnv, fx: Effects): void {
  fx.locks.add(table, 'ACCESS EXCLUSIVE');
  fx.classes.push('transformative');
  const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
  const from = env.schema?.columnType(table, cmd.name ?? '');
  const to = typeInfo(def?.typeName);
  if (def?.raw_default || !from || !isSafeTypeChange(from, to)) fx.rewrites = true;
}

// Subcommands that take less than ACCESS EXCLUSIVE on the altered table.
const WEAKER: Partial<Record<string, PgLockMode>> = {
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_SetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_SetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_DetachPartitionFinalize: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableAlwaysTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableReplicaTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
};

const REWRITING = new Set([
  'AT_SetLogged',
  'AT_SetUnLogged',
  'AT_SetTableSpace',
  'AT_SetAccessMethod',
  'AT_SetExpression',
]);

/**
 * Adds the effects of an ALTER TABLE (or ALTER INDEX / MATERIALIZED VIEW …) statement.
 *
 * @example
 * analyzeAlterTable(stmt, { pgVersion: 15 }, fx) // fills fx.locks, fx.rewrites, fx.scans
 */
export function analyzeAlterTable(stmt: AlterTableStmt, env: AnalyzeEnv, fx: Effects): void {
  // ALTER TYPE … ADD ATTRIBUTE is an ALTER TABLE on a composite type: it locks no table.
  const table = stmt.objtype === 'OBJECT_TYPE' ? '' : relationName(stmt.relation);
  const isIndex = stmt.objtype === 'OBJECT_INDEX';
  for (const node of stmt.cmds ?? []) {
    if (!('AlterTableCmd' in node)) continue;
    const cmd = node.AlterTableCmd;
    const sub = cmd.subtype ?? '';
    const def = cmd.def;
    switch (sub) {
      case 'AT_AddColumn':
        if (def && 'ColumnDef' in def) addColumn(table, def.ColumnDef, env, fx);
        break;
      case 'AT_AddConstraint':
        if (def && 'Constraint' in def) addConstraint(table, def.Constraint, fx);
        break;
      case 'AT_AlterColumnType':
        alterType(table, cmd, env, fx);
        break;
      case 'AT_SetNotNull':
        fx.locks.add(table, 'ACCESS EXCLUSIVE');
        fx.classes.push('transformative');
        if (!(env.pgVersion >= 12 && env.schema?.hasValidatedNotNullCheck(table, cmd.name ?? '')))
          fx.scans = true;
        break;
      case 'AT_ValidateConstraint':
        fx.locks.add(table, 'SHARE UPDATE EXCLUSIVE');
        fx.scans = true;
        fx.classes.push('additive');
        break;
      case 'AT_DropColumn':
        fx.locks.add(table, 'ACCESS EXCLUSIVE');
        fx.classes.push('destructive');
        break;
      case 'AT_AttachPartition':
      case 'AT_DetachPartition': {
        const part = def && 'PartitionCmd' in def ? def.PartitionCmd : undefined;
        const concurrent = sub === 'AT_DetachPartition' && part?.concurrent === true;
        fx.locks.add(
          table,
          sub === 'AT_AttachPartition' || concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
        );
        fx.locks.add(relationName(part?.name), concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
        if (sub === 'AT_AttachPartition') fx.scans = true;
        if (concurrent) fx.transactional = false;
        fx.classes.push('transformative');
        break;
      }
      default:
        fx.locks.add(table, WEAKER[sub] ?? 'ACCESS EXCLUSIVE', isIndex);
        if (REWRITING.has(sub)) fx.rewrites = true;
        fx.classes.push(sub === 'AT_AddIdentity' || sub === 'AT_AddIndex' ? 'additive' : 'transformative');
    }
  }
}
