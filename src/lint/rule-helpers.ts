/**
 * Shared pieces of rules: walking ALTER TABLE subcommands and column definitions, and writing
 * fixes. A fix made by editing the statement's text is re-parsed and checked before it is offered.
 */
import type { AlterTableCmd, ColumnDef, Constraint, Node, TypeName } from 'libpg-query';
import { parseSql } from '../dialects/postgres/parser.js';
import {
  columnConstraints,
  columnDefs,
  dropObjectNames,
  relationName,
  type TypeInfo,
  typeInfo,
} from './ast.js';
import type { Rule, RuleContext } from './rule.js';

// Many rules ask the same questions of one statement: answers are kept per parsed node.
const cmdsCache = new WeakMap<Node, { table: string; cmd: AlterTableCmd }[]>();
const sitesCache = new WeakMap<Node, TypeSite[]>();
const NONE: never[] = [];

/** The subcommands of an `ALTER TABLE` on a table (not an index, view or type). */
export function alterTableCmds(node: Node): { table: string; cmd: AlterTableCmd }[] {
  if (!('AlterTableStmt' in node)) return NONE;
  const cached = cmdsCache.get(node);
  if (cached) return cached;
  const out = collectAlterTableCmds(node);
  cmdsCache.set(node, out);
  return out;
}

function collectAlterTableCmds(
  node: Extract<Node, { AlterTableStmt: unknown }>,
): { table: string; cmd: AlterTableCmd }[] {
  const s = node.AlterTableStmt;
  if (s.objtype !== 'OBJECT_TABLE') return [];
  const table = relationName(s.relation);
  const out: { table: string; cmd: AlterTableCmd }[] = [];
  for (const n of s.cmds ?? []) if ('AlterTableCmd' in n) out.push({ table, cmd: n.AlterTableCmd });
  return out;
}

/** `ALTER TABLE … ADD COLUMN` definitions on tables that existed before this migration. */
export function addedColumns(ctx: RuleContext): { table: string; def: ColumnDef; cmd: AlterTableCmd }[] {
  const out: { table: string; def: ColumnDef; cmd: AlterTableCmd }[] = [];
  for (const { table, cmd } of alterTableCmds(ctx.node)) {
    if (cmd.subtype !== 'AT_AddColumn' || !cmd.def || !('ColumnDef' in cmd.def)) continue;
    if (ctx.state.isNewTable(table)) continue;
    out.push({ table, def: cmd.def.ColumnDef, cmd });
  }
  return out;
}

/** `ALTER TABLE … ADD CONSTRAINT` on tables that existed before this migration. */
export function addedConstraints(ctx: RuleContext): { table: string; constraint: Constraint }[] {
  const out: { table: string; constraint: Constraint }[] = [];
  for (const { table, cmd } of alterTableCmds(ctx.node)) {
    if (cmd.subtype !== 'AT_AddConstraint' || !cmd.def || !('Constraint' in cmd.def)) continue;
    if (ctx.state.isNewTable(table)) continue;
    out.push({ table, constraint: cmd.def.Constraint });
  }
  return out;
}

/** A place where a column type is written: CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE. */
export interface TypeSite {
  table: string;
  column: string;
  type: TypeInfo;
  typeName: TypeName | undefined;
  /** Parser location of the type (or of the column). */
  location: number | undefined;
  /** Constraints written with the column (empty for ALTER COLUMN TYPE). */
  constraints: Constraint[];
}

/** Every column type a statement writes. */
export function typeSites(node: Node): TypeSite[] {
  if (!('CreateStmt' in node) && !('AlterTableStmt' in node)) return NONE;
  const cached = sitesCache.get(node);
  if (cached) return cached;
  const out = collectTypeSites(node);
  sitesCache.set(node, out);
  return out;
}

function collectTypeSites(node: Node): TypeSite[] {
  const out: TypeSite[] = [];
  const push = (table: string, column: string, def: ColumnDef, constraints: Constraint[]) => {
    out.push({
      table,
      column,
      type: typeInfo(def.typeName),
      typeName: def.typeName,
      location: def.typeName?.location ?? def.location,
      constraints,
    });
  };
  if ('CreateStmt' in node) {
    const table = relationName(node.CreateStmt.relation);
    for (const def of columnDefs(node.CreateStmt.tableElts))
      push(table, def.colname ?? '', def, columnConstraints(def));
  }
  for (const { table, cmd } of alterTableCmds(node)) {
    if (!cmd.def || !('ColumnDef' in cmd.def)) continue;
    const def = cmd.def.ColumnDef;
    if (cmd.subtype === 'AT_AddColumn') push(table, def.colname ?? '', def, columnConstraints(def));
    if (cmd.subtype === 'AT_AlterColumnType') push(table, cmd.name ?? '', def, []);
  }
  return out;
}

/** The statement as a migration of its own that runs outside a transaction. */
export function outsideTransaction(sql: string): string {
  return `-- migrate:up transaction:false\n${sql};`;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

/**
 * Inserts `text` after the leading key words of a statement (`CREATE [UNIQUE] INDEX` …) and
 * returns the new statement if it parses and `verify` accepts its AST; undefined otherwise. `'*'`
 * matches any one word; a choice list containing `''` makes the word optional.
 *
 * @example
 * insertAfterWords('create index i on t (a)', [['create'], ['unique', ''], ['index']], ' CONCURRENTLY', isConcurrent)
 */
export function insertAfterWords(
  sql: string,
  words: readonly (readonly string[] | '*')[],
  text: string,
  verify: (node: Node) => boolean,
): string | undefined {
  let i = 0;
  for (const choices of words) {
    let j = i;
    while (j < sql.length && (sql[j] === ' ' || sql[j] === '\n' || sql[j] === '\t' || sql[j] === '\r')) j++;
    let k = j;
    while (isWordChar(sql[k])) k++;
    const word = sql.slice(j, k).toLowerCase();
    if (choices === '*' ? word.length > 0 : choices.includes(word)) i = k;
    else if (choices === '*' || !choices.includes('')) return undefined;
  }
  const candidate = `${sql.slice(0, i)}${text}${sql.slice(i)}`;
  const parsed = parseSql(candidate);
  if (!parsed.ok || parsed.stmts.length !== 1 || !parsed.stmts[0] || !verify(parsed.stmts[0].node))
    return undefined;
  return candidate;
}

/** Inserts `text` at a parser location (UTF-8 byte offset) and verifies the result like {@link insertAfterWords}. */
export function insertAt(
  sql: string,
  index: number,
  text: string,
  verify: (node: Node) => boolean,
): string | undefined {
  const candidate = `${sql.slice(0, index)}${text}${sql.slice(index)}`;
  const parsed = parseSql(candidate);
  if (!parsed.ok || parsed.stmts.length !== 1 || !parsed.stmts[0] || !verify(parsed.stmts[0].node))
    return undefined;
  return candidate;
}

/**
 * A rule that flags `DROP <object>` of one kind (views, functions, types, …): their users break.
 *
 * @example
 * export const banDropView = dropObjectRule({ id: 'ban-drop-view', removeType: 'OBJECT_VIEW', … });
 */
export function dropObjectRule(spec: {
  id: string;
  removeTypes: readonly string[];
  severity: 'error' | 'warning';
  what: string;
  why: string;
  help: string;
}): Rule {
  return {
    id: spec.id,
    severity: spec.severity,
    summary: `DROP ${spec.what}: ${spec.why}`,
    check(ctx) {
      if (!('DropStmt' in ctx.node) || !spec.removeTypes.includes(ctx.node.DropStmt.removeType ?? '')) return;
      const objects = dropObjectNames(ctx.node.DropStmt.objects);
      const cascade =
        ctx.node.DropStmt.behavior === 'DROP_CASCADE'
          ? ' CASCADE also drops everything that depends on it.'
          : '';
      ctx.report({
        message: `Dropping ${spec.what} ${objects.join(', ')}: ${spec.why}.${cascade}`,
        help: spec.help,
      });
    },
  };
}

/**
 * A rule that flags a column type (in CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE).
 *
 * @example
 * export const preferJsonb = columnTypeRule({ id: 'prefer-jsonb', match: (t) => t.name === 'json', … });
 */
export function columnTypeRule(spec: {
  id: string;
  severity: 'error' | 'warning';
  summary: string;
  match: (type: TypeInfo) => boolean;
  message: (site: TypeSite) => string;
  help: (site: TypeSite) => string;
}): Rule {
  return {
    id: spec.id,
    severity: spec.severity,
    summary: spec.summary,
    check(ctx) {
      for (const site of typeSites(ctx.node)) {
        if (site.type.userSchema || !spec.match(site.type)) continue;
        ctx.report({ location: site.location, message: spec.message(site), help: spec.help(site) });
      }
    },
  };
}

/**
 * Inserts `text` after the first n words (n = 2, 3, 4 tried in turn) of a statement and returns
 * the first result that parses and that `verify` accepts.
 *
 * @example
 * insertAfterSomeWords('DROP MATERIALIZED VIEW v', ' IF EXISTS', (n) => …) // 'DROP MATERIALIZED VIEW IF EXISTS v'
 */
export function insertAfterSomeWords(
  sql: string,
  text: string,
  verify: (node: Node) => boolean,
): string | undefined {
  for (let n = 2; n <= 4; n++) {
    const out = insertAfterWords(
      sql,
      Array.from({ length: n }, () => '*' as const),
      text,
      verify,
    );
    if (out !== undefined) return out;
  }
  return undefined;
}
