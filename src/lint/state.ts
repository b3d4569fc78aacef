/**
 * What a migration has done so far, as the linter walks its statements: tables and indexes it
 * created (no lock findings on those), its transaction state, locks held in the open
 * transaction, NOT VALID constraints added, timeouts set. Rules read it; the linter updates it
 * after all rules have seen a statement.
 */
import type { Constraint, Node } from 'libpg-query';
import {
  columnConstraints,
  columnDefs,
  names,
  relationKey,
  relationName,
  tableConstraints,
  tableKey,
  typeInfo,
} from './ast.js';
import { lockStrength } from './locks.js';
import { SchemaModel } from './schema.js';
import type { LintContext, LintStatementInput, PgLockMode, StatementAnalysis } from './types.js';

/** The column of a `CHECK (col IS NOT NULL)` constraint, or undefined. */
export function notNullCheckColumn(c: Constraint): string | undefined {
  if (c.contype !== 'CONSTR_CHECK') return undefined;
  const e = c.raw_expr;
  if (!e || !('NullTest' in e) || e.NullTest.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const arg = e.NullTest.arg;
  if (!arg || !('ColumnRef' in arg)) return undefined;
  const parts = names(arg.ColumnRef.fields);
  return parts.length === 1 ? parts[0] : undefined;
}

function settingValue(node: Node): string | undefined {
  if (!('VariableSetStmt' in node)) return undefined;
  const arg = node.VariableSetStmt.args?.[0];
  if (!arg || !('A_Const' in arg)) return undefined;
  const c = arg.A_Const;
  return c.sval ? c.sval.sval : c.ival ? String(c.ival.ival ?? 0) : undefined;
}

/**
 * The linter's memory of one migration.
 *
 * @example
 * if (ctx.state.isNewTable('users')) return; // created earlier in this migration: nobody else sees it yet
 */
export class MigrationState {
  readonly pgVersion: number;
  readonly file: string;
  /** Runner-managed transaction around the whole migration. */
  readonly runnerTransaction: boolean;
  readonly schema: SchemaModel;
  readonly statements: LintStatementInput[] = [];
  private readonly createdTables = new Set<string>();
  private readonly createdIndexes = new Set<string>();
  /** Index (in `statements`) of an explicit BEGIN not yet committed. */
  openBegin: number | null = null;
  lockTimeoutSet = false;
  statementTimeoutSet = false;
  /** Strongest lock held per existing table in the open transaction. */
  private readonly txLocks = new Map<string, PgLockMode>();
  /** Constraints added NOT VALID in the open transaction, as `table\u0000name`. */
  private readonly notValidInTx = new Set<string>();
  /** Constraints dropped with IF EXISTS, as `table\u0000name` (makes a later ADD re-runnable). */
  private readonly droppedIfExists = new Set<string>();

  constructor(ctx: LintContext, schema: SchemaModel = new SchemaModel()) {
    this.pgVersion = ctx.pgVersion;
    this.file = ctx.file;
    this.runnerTransaction = ctx.transaction;
    this.schema = schema;
  }

  private readonly onceKeys = new Set<string>();

  /** True the first time it is called with `key` in this migration (for once-per-migration findings). */
  once(key: string): boolean {
    if (this.onceKeys.has(key)) return false;
    this.onceKeys.add(key);
    return true;
  }

  /** True inside a transaction block, run by the runner or opened with BEGIN. */
  inTransaction(): boolean {
    return this.runnerTransaction || this.openBegin !== null;
  }

  /** True for a table created earlier in this migration. */
  isNewTable(name: string): boolean {
    return this.createdTables.has(tableKey(name));
  }

  /** True for an index created earlier in this migration. */
  isNewIndex(name: string): boolean {
    return this.createdIndexes.has(tableKey(name));
  }

  /** The strongest lock the open transaction already holds on a table. */
  heldLock(table: string): PgLockMode | undefined {
    return this.txLocks.get(tableKey(table));
  }

  /** True when the constraint was added NOT VALID earlier in the open transaction. */
  addedNotValidInTransaction(table: string, name: string): boolean {
    return this.notValidInTx.has(`${tableKey(table)}\u0000${name}`);
  }

  /** True when an earlier statement ran `DROP CONSTRAINT IF EXISTS name` on the table. */
  droppedConstraintIfExists(table: string, name: string): boolean {
    return this.droppedIfExists.has(`${tableKey(table)}\u0000${name}`);
  }

  /** Records the effects of a statement, after every rule has seen it. */
  update(node: Node, analysis: StatementAnalysis): void {
    if ('TransactionStmt' in node) {
      const k = node.TransactionStmt.kind;
      if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') this.openBegin ??= this.statements.length - 1;
      if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK') this.endTransaction();
      return;
    }
    if ('VariableSetStmt' in node) {
      const name = node.VariableSetStmt.name;
      const value = settingValue(node);
      const on = value !== undefined && value !== '0' && node.VariableSetStmt.kind === 'VAR_SET_VALUE';
      if (name === 'lock_timeout') this.lockTimeoutSet = on;
      if (name === 'statement_timeout') this.statementTimeoutSet = on;
      return;
    }
    if (this.inTransaction()) {
      for (const l of analysis.locks) {
        if (l.isIndex || this.isNewTable(l.table)) continue;
        const key = tableKey(l.table);
        const prev = this.txLocks.get(key);
        if (!prev || lockStrength(l.mode) > lockStrength(prev)) this.txLocks.set(key, l.mode);
      }
    } else this.endTransaction();
    this.learn(node);
  }

  private endTransaction(): void {
    this.openBegin = null;
    this.txLocks.clear();
    this.notValidInTx.clear();
  }

  private learn(node: Node): void {
    if ('CreateStmt' in node) {
      const table = relationName(node.CreateStmt.relation);
      // IF NOT EXISTS on a table the model knows (say, from the live schema) creates nothing.
      if (node.CreateStmt.if_not_exists && this.schema.hasTable(table)) return;
      this.createdTables.add(tableKey(table));
      this.schema.dropTable(table); // a re-created table starts afresh
      this.schema.markCreated(table);
      for (const def of columnDefs(node.CreateStmt.tableElts)) {
        this.schema.setColumn(table, def.colname ?? '', typeInfo(def.typeName));
        for (const c of columnConstraints(def)) this.learnConstraint(table, c);
      }
      for (const c of tableConstraints(node.CreateStmt.tableElts)) this.learnConstraint(table, c);
    } else if ('CreateTableAsStmt' in node) {
      this.createdTables.add(relationKey(node.CreateTableAsStmt.into?.rel));
      this.schema.markCreated(relationName(node.CreateTableAsStmt.into?.rel));
    } else if ('IndexStmt' in node && node.IndexStmt.idxname) {
      const schema = node.IndexStmt.relation?.schemaname;
      this.createdIndexes.add(
        tableKey(schema ? `${schema}.${node.IndexStmt.idxname}` : node.IndexStmt.idxname),
      );
    } else if ('DropStmt' in node && node.DropStmt.removeType === 'OBJECT_TABLE') {
      for (const o of node.DropStmt.objects ?? []) {
        if ('List' in o) this.schema.dropTable(names(o.List.items).join('.'));
      }
    } else if ('RenameStmt' in node) {
      const s = node.RenameStmt;
      const table = relationName(s.relation);
      if (s.renameType === 'OBJECT_TABLE' && s.newname) {
        this.schema.renameTable(table, s.newname);
        if (this.createdTables.delete(tableKey(table))) this.createdTables.add(tableKey(s.newname));
      } else if (s.renameType === 'OBJECT_COLUMN' && s.subname && s.newname) {
        this.schema.renameColumn(table, s.subname, s.newname);
      }
    } else if ('AlterTableStmt' in node) this.learnAlterTable(node);
  }

  private learnAlterTable(node: Extract<Node, { AlterTableStmt: unknown }>): void {
    const table = relationName(node.AlterTableStmt.relation);
    for (const n of node.AlterTableStmt.cmds ?? []) {
      if (!('AlterTableCmd' in n)) continue;
      const cmd = n.AlterTableCmd;
      const def = cmd.def;
      if (cmd.subtype === 'AT_AddColumn' && def && 'ColumnDef' in def) {
        this.schema.setColumn(table, def.ColumnDef.colname ?? '', typeInfo(def.ColumnDef.typeName));
      } else if (cmd.subtype === 'AT_AlterColumnType' && def && 'ColumnDef' in def) {
        this.schema.setColumn(table, cmd.name ?? '', typeInfo(def.ColumnDef.typeName));
      } else if (cmd.subtype === 'AT_DropColumn') {
        this.schema.dropColumn(table, cmd.name ?? '');
      } else if (cmd.subtype === 'AT_AddConstraint' && def && 'Constraint' in def) {
        const c = def.Constraint;
        this.learnConstraint(table, c);
        if (c.skip_validation && c.conname && this.inTransaction())
          this.notValidInTx.add(`${tableKey(table)}\u0000${c.conname}`);
      } else if (cmd.subtype === 'AT_ValidateConstraint') {
        this.schema.validateConstraint(table, cmd.name ?? '');
      } else if (cmd.subtype === 'AT_DropConstraint') {
        this.schema.dropConstraint(table, cmd.name ?? '');
        if (cmd.missing_ok) this.droppedIfExists.add(`${tableKey(table)}\u0000${cmd.name ?? ''}`);
      }
    }
  }

  private learnConstraint(table: string, c: Constraint): void {
    const column = notNullCheckColumn(c);
    if (!column) return;
    const name = c.conname ?? `${table.split('.').pop()}_${column}_check`;
    this.schema.addNotNullCheck(table, name, column, !c.skip_validation);
  }
}
