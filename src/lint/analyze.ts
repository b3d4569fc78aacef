/**
 * The statement analyzer: which locks a statement takes on which tables, whether it rewrites or
 * scans them, whether it may run in a transaction block, and what class of change it makes.
 * Used by `sluice plan` and by the lint rules. Pure: no database, only the statement text.
 */
import type { Node, ObjectType, RangeVar } from 'libpg-query';
import { loadParser, parseSql } from '../dialects/postgres/parser.js';
import { type AnalyzeEnv, analyzeAlterTable, type Effects } from './analyze-alter.js';
import {
  columnConstraints,
  columnDefs,
  dropObjectNames,
  names,
  nodeType,
  relationName,
  tableConstraints,
} from './ast.js';
import { kindFromType, objectWord } from './kinds.js';
import { LockSet, lockModeFromNumber } from './locks.js';
import type { SchemaModel } from './schema.js';
import type { ChangeClass, PgLockMode, StatementAnalysis } from './types.js';
import { majorVersion } from './version.js';

export type { AnalyzeEnv } from './analyze-alter.js';

const CLASS_ORDER: readonly ChangeClass[] = ['none', 'additive', 'data', 'transformative', 'destructive'];

/**
 * The class of a migration: the strongest class among its statements.
 *
 * @example
 * migrationClass([{ class: 'additive' }, { class: 'destructive' }]) // 'destructive'
 */
export function migrationClass(analyses: readonly Pick<StatementAnalysis, 'class'>[]): ChangeClass {
  let best: ChangeClass = 'none';
  for (const a of analyses) if (CLASS_ORDER.indexOf(a.class) > CLASS_ORDER.indexOf(best)) best = a.class;
  return best;
}

function strongestClass(classes: readonly ChangeClass[]): ChangeClass {
  let best: ChangeClass = 'none';
  for (const c of classes) if (CLASS_ORDER.indexOf(c) > CLASS_ORDER.indexOf(best)) best = c;
  return best;
}

function rangeVars(node: unknown, out: RangeVar[] = []): RangeVar[] {
  if (Array.isArray(node)) for (const n of node) rangeVars(n, out);
  else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (obj.RangeVar) out.push(obj.RangeVar as RangeVar);
    for (const key in obj) if (key !== 'RangeVar') rangeVars(obj[key], out);
  }
  return out;
}

const DROP_LOCKED: ReadonlySet<ObjectType> = new Set<ObjectType>([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_SEQUENCE',
  'OBJECT_FOREIGN_TABLE',
]);

function analyzeDrop(node: Extract<Node, { DropStmt: unknown }>['DropStmt'], fx: Effects): string {
  const type = node.removeType;
  const objects = dropObjectNames(node.objects);
  if (type === 'OBJECT_INDEX') {
    for (const o of objects)
      fx.locks.add(o, node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE', true);
    if (node.concurrent) fx.transactional = false;
  } else if (type && DROP_LOCKED.has(type)) {
    for (const o of objects) fx.locks.add(o, 'ACCESS EXCLUSIVE');
  } else if (type === 'OBJECT_TRIGGER' || type === 'OBJECT_RULE' || type === 'OBJECT_POLICY') {
    // objects are [table…, name]: the table is locked.
    for (const o of node.objects ?? []) {
      if ('List' in o) fx.locks.add(names(o.List.items).slice(0, -1).join('.'), 'ACCESS EXCLUSIVE');
    }
  }
  fx.classes.push('destructive');
  return `DROP ${objectWord(type)}`;
}

/** Fills `fx` for one statement and returns its kind. */
function analyzeInto(node: Node, env: AnalyzeEnv, fx: Effects): string {
  const add = (rv: RangeVar | undefined, mode: PgLockMode) => fx.locks.add(relationName(rv), mode);
  if ('AlterTableStmt' in node) {
    analyzeAlterTable(node.AlterTableStmt, env, fx);
    return `ALTER ${objectWord(node.AlterTableStmt.objtype)}`;
  }
  if ('CreateStmt' in node) {
    const s = node.CreateStmt;
    if (s.partbound)
      add(
        s.inhRelations?.[0] && 'RangeVar' in s.inhRelations[0] ? s.inhRelations[0].RangeVar : undefined,
        'ACCESS EXCLUSIVE',
      );
    const fks = [...tableConstraints(s.tableElts), ...columnDefs(s.tableElts).flatMap(columnConstraints)];
    for (const c of fks) if (c.contype === 'CONSTR_FOREIGN') add(c.pktable, 'SHARE ROW EXCLUSIVE');
    fx.classes.push('additive');
    return 'CREATE TABLE';
  }
  if ('IndexStmt' in node) {
    const s = node.IndexStmt;
    add(s.relation, s.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');
    fx.scans = true;
    if (s.concurrent) fx.transactional = false;
    fx.classes.push('additive');
    return 'CREATE INDEX';
  }
  if ('DropStmt' in node) return analyzeDrop(node.DropStmt, fx);
  if ('RenameStmt' in node) {
    const s = node.RenameStmt;
    const t = s.renameType;
    if (t === 'OBJECT_INDEX')
      fx.locks.add(
        relationName(s.relation),
        env.pgVersion >= 12 ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
        true,
      );
    else if (s.relation) add(s.relation, 'ACCESS EXCLUSIVE');
    fx.classes.push('transformative');
    return `RENAME ${objectWord(t)}`;
  }
  if ('TruncateStmt' in node) {
    for (const rv of rangeVars(node.TruncateStmt.relations)) add(rv, 'ACCESS EXCLUSIVE');
    fx.classes.push('destructive');
    return 'TRUNCATE';
  }
  if ('InsertStmt' in node || 'UpdateStmt' in node || 'DeleteStmt' in node || 'MergeStmt' in node) {
    const s =
      'InsertStmt' in node
        ? node.InsertStmt
        : 'UpdateStmt' in node
          ? node.UpdateStmt
          : 'DeleteStmt' in node
            ? node.DeleteStmt
            : node.MergeStmt;
    add('relation' in s ? s.relation : undefined, 'ROW EXCLUSIVE');
    if (('UpdateStmt' in node || 'DeleteStmt' in node) && !('whereClause' in s && s.whereClause))
      fx.scans = true;
    fx.classes.push('data');
    return kindFromType(nodeType(node));
  }
  if ('SelectStmt' in node) {
    const s = node.SelectStmt;
    const mode: PgLockMode = s.lockingClause?.length ? 'ROW SHARE' : 'ACCESS SHARE';
    for (const rv of rangeVars({ from: s.fromClause, w: s.withClause })) add(rv, mode);
    fx.classes.push(s.intoClause ? 'additive' : 'none');
    return 'SELECT';
  }
  if ('CopyStmt' in node) {
    add(node.CopyStmt.relation, node.CopyStmt.is_from ? 'ROW EXCLUSIVE' : 'ACCESS SHARE');
    fx.classes.push(node.CopyStmt.is_from ? 'data' : 'none');
    return 'COPY';
  }
  if ('VacuumStmt' in node) {
    const s = node.VacuumStmt;
    const full = (s.options ?? []).some((o) => 'DefElem' in o && o.DefElem.defname === 'full');
    for (const r of s.rels ?? []) {
      if ('VacuumRelation' in r)
        add(r.VacuumRelation.relation, full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE');
    }
    if (full) fx.rewrites = true;
    if (s.is_vacuumcmd) fx.transactional = false;
    fx.classes.push('none');
    return s.is_vacuumcmd ? (full ? 'VACUUM FULL' : 'VACUUM') : 'ANALYZE';
  }
  if ('ClusterStmt' in node) {
    add(node.ClusterStmt.relation, 'ACCESS EXCLUSIVE');
    fx.rewrites = true;
    if (!node.ClusterStmt.relation) fx.transactional = false;
    fx.classes.push('none');
    return 'CLUSTER';
  }
  if ('ReindexStmt' in node) {
    const s = node.ReindexStmt;
    const concurrent = (s.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently');
    const isIndex = s.kind === 'REINDEX_OBJECT_INDEX';
    if (s.relation) {
      const mode = concurrent ? 'SHARE UPDATE EXCLUSIVE' : isIndex ? 'ACCESS EXCLUSIVE' : 'SHARE';
      fx.locks.add(relationName(s.relation), mode, isIndex);
    }
    fx.scans = true;
    if (concurrent || !s.relation) fx.transactional = false;
    fx.classes.push('none');
    return 'REINDEX';
  }
  if ('LockStmt' in node) {
    for (const rv of rangeVars(node.LockStmt.relations)) add(rv, lockModeFromNumber(node.LockStmt.mode));
    fx.classes.push('none');
    return 'LOCK';
  }
  if ('CreateTrigStmt' in node) {
    add(node.CreateTrigStmt.relation, 'SHARE ROW EXCLUSIVE');
    fx.classes.push(node.CreateTrigStmt.replace ? 'transformative' : 'additive');
    return 'CREATE TRIGGER';
  }
  if ('CreatePolicyStmt' in node || 'AlterPolicyStmt' in node) {
    add(
      'CreatePolicyStmt' in node ? node.CreatePolicyStmt.table : node.AlterPolicyStmt.table,
      'ACCESS EXCLUSIVE',
    );
    fx.classes.push('CreatePolicyStmt' in node ? 'additive' : 'transformative');
    return 'CreatePolicyStmt' in node ? 'CREATE POLICY' : 'ALTER POLICY';
  }
  if ('RuleStmt' in node) {
    add(node.RuleStmt.relation, 'ACCESS EXCLUSIVE');
    fx.classes.push(node.RuleStmt.replace ? 'transformative' : 'additive');
    return 'CREATE RULE';
  }
  if ('ViewStmt' in node) {
    if (node.ViewStmt.replace) add(node.ViewStmt.view, 'ACCESS EXCLUSIVE');
    fx.classes.push(node.ViewStmt.replace ? 'transformative' : 'additive');
    return 'CREATE VIEW';
  }
  if ('RefreshMatViewStmt' in node) {
    const s = node.RefreshMatViewStmt;
    add(s.relation, s.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE');
    fx.scans = true;
    fx.classes.push('data');
    return 'REFRESH MATERIALIZED VIEW';
  }
  if ('CommentStmt' in node) {
    const s = node.CommentStmt;
    if (s.objtype === 'OBJECT_TABLE' || s.objtype === 'OBJECT_COLUMN') {
      const parts = s.object && 'List' in s.object ? names(s.object.List.items) : [];
      fx.locks.add(
        s.objtype === 'OBJECT_COLUMN' ? parts.slice(0, -1).join('.') : parts.join('.'),
        'SHARE UPDATE EXCLUSIVE',
      );
    }
    fx.classes.push('none');
    return 'COMMENT';
  }
  if ('AlterObjectSchemaStmt' in node) {
    add(node.AlterObjectSchemaStmt.relation, 'ACCESS EXCLUSIVE');
    fx.classes.push('transformative');
    return `ALTER ${objectWord(node.AlterObjectSchemaStmt.objectType)} SET SCHEMA`;
  }
  if ('AlterEnumStmt' in node) {
    if (env.pgVersion < 12 && !node.AlterEnumStmt.oldVal) fx.transactional = false;
    fx.classes.push(node.AlterEnumStmt.oldVal ? 'transformative' : 'additive');
    return 'ALTER TYPE';
  }
  if ('AlterDomainStmt' in node) {
    const s = node.AlterDomainStmt;
    const validates =
      (s.subtype === 'C' && !(s.def && 'Constraint' in s.def && s.def.Constraint.skip_validation)) ||
      s.subtype === 'V' ||
      s.subtype === 'O';
    if (validates) fx.scans = true;
    fx.classes.push('transformative');
    return 'ALTER DOMAIN';
  }
  if ('TransactionStmt' in node) {
    const k = node.TransactionStmt.kind ?? '';
    fx.transactional = !(
      k === 'TRANS_STMT_BEGIN' ||
      k === 'TRANS_STMT_START' ||
      k === 'TRANS_STMT_COMMIT' ||
      k === 'TRANS_STMT_ROLLBACK'
    );
    fx.classes.push('none');
    const names: Record<string, string> = {
      TRANS_STMT_START: 'START TRANSACTION',
      TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
    };
    return names[k] ?? k.replace('TRANS_STMT_', '').replace(/_/g, ' ');
  }
  if ('VariableSetStmt' in node) {
    fx.classes.push('none');
    return node.VariableSetStmt.kind?.startsWith('VAR_RESET') ? 'RESET' : 'SET';
  }
  if (
    'CreatedbStmt' in node ||
    'DropdbStmt' in node ||
    'AlterSystemStmt' in node ||
    'CreateTableSpaceStmt' in node ||
    'DropTableSpaceStmt' in node
  ) {
    fx.transactional = false;
  }
  if ('GrantStmt' in node) {
    fx.classes.push(node.GrantStmt.is_grant ? 'additive' : 'transformative');
    return node.GrantStmt.is_grant ? 'GRANT' : 'REVOKE';
  }
  if ('CreateFunctionStmt' in node) {
    fx.classes.push(node.CreateFunctionStmt.replace ? 'transformative' : 'additive');
    return node.CreateFunctionStmt.is_procedure ? 'CREATE PROCEDURE' : 'CREATE FUNCTION';
  }
  if ('AlterTableMoveAllStmt' in node) {
    fx.rewrites = true; // every table it names is copied to the new tablespace under ACCESS EXCLUSIVE
    fx.classes.push('transformative');
  }
  if ('AlterSystemStmt' in node || 'CheckPointStmt' in node) fx.classes.push('none');
  if ('ImportForeignSchemaStmt' in node) fx.classes.push('additive');
  if ('CreateTableAsStmt' in node) {
    fx.classes.push('additive');
    return node.CreateTableAsStmt.objtype === 'OBJECT_MATVIEW'
      ? 'CREATE MATERIALIZED VIEW'
      : 'CREATE TABLE AS';
  }
  const kind = kindFromType(nodeType(node));
  if (fx.classes.length === 0) {
    if (kind.startsWith('CREATE')) fx.classes.push('additive');
    else if (kind.startsWith('DROP')) fx.classes.push('destructive');
    else if (kind.startsWith('ALTER')) fx.classes.push('transformative');
    else if (kind === 'DO' || kind === 'CALL') fx.classes.push('transformative');
    else fx.classes.push('none');
  }
  return kind;
}

/**
 * Analyzes one parsed statement (the linter's entry: the node is already parsed).
 *
 * @example
 * analyzeNode(parsed.node, { pgVersion: 15 }).locks // [{ mode: 'SHARE', table: 'users' }]
 */
export function analyzeNode(node: Node, env: AnalyzeEnv): StatementAnalysis {
  const fx: Effects = {
    locks: new LockSet(),
    rewrites: false,
    scans: false,
    transactional: true,
    classes: [],
  };
  const kind = analyzeInto(node, env, fx);
  const opaque = 'DoStmt' in node || 'CallStmt' in node;
  return {
    kind,
    locks: fx.locks.list(),
    rewrites: fx.rewrites,
    scans: fx.scans || fx.rewrites,
    transactional: fx.transactional,
    class: strongestClass(fx.classes),
    opaque,
  };
}

/** Options of {@link analyzeStatement}. */
export interface AnalyzeOptions {
  /** PostgreSQL version (major, or `server_version_num`), default 15. */
  pgVersion?: number;
  /** Schema learnt from earlier migrations (column types, validated NOT NULL checks). */
  schema?: SchemaModel;
}

/**
 * Analyzes one SQL statement. Throws a `SyntaxError` carrying the parser's message when the SQL
 * does not parse, and a `TypeError` when the text holds more than one statement.
 *
 * @example
 * const a = await analyzeStatement('CREATE INDEX CONCURRENTLY i ON users (email)');
 * // { kind: 'CREATE INDEX', locks: [{ mode: 'SHARE UPDATE EXCLUSIVE', table: 'users' }], transactional: false, … }
 */
export async function analyzeStatement(
  sql: string,
  options: AnalyzeOptions = {},
): Promise<StatementAnalysis> {
  await loadParser();
  return analyzeStatementSync(sql, options);
}

/**
 * {@link analyzeStatement} without the await, once `loadParser()` has resolved.
 *
 * @example
 * await loadParser(); const kinds = sqls.map((s) => analyzeStatementSync(s).kind);
 */
export function analyzeStatementSync(sql: string, options: AnalyzeOptions = {}): StatementAnalysis {
  const parsed = parseSql(sql);
  if (!parsed.ok) throw new SyntaxError(`${parsed.message} (at character ${parsed.index + 1})`);
  const [first, ...rest] = parsed.stmts;
  if (!first || rest.length > 0)
    throw new TypeError(`analyzeStatement expects one statement, got ${parsed.stmts.length}`);
  return analyzeNode(first.node, { pgVersion: majorVersion(options.pgVersion), schema: options.schema });
}
