/**
 * Settling a statement that ran outside a transaction and whose outcome the runner does not know:
 * the process died while it ran (it was recorded as in flight), or it failed and is about to run
 * again. By then the runner lock guarantees the session that sent it has ended, so its outcome is
 * final; the catalog says what it was. Statements that may run in a transaction never get here: the
 * runner commits each one together with its progress record.
 */
import { ident, postgresQuoting, renderInline, type SqlFragment, sql } from '../../sql/tag.js';
import type { Connection, Settlement } from '../dialect.js';
import { loadParser, parseSql } from './parser.js';

type IndexState = 'valid' | 'invalid' | 'missing';
/** A possibly schema-qualified name, as the parser gives it. */
type Name = string[];

const quoted = (name: Name): string => renderInline(qualify(name), postgresQuoting);
const qualify = (name: Name): SqlFragment => ident(...name.filter((n) => n.length > 0));

/** The state of index `name` on `table` (an index of that name on another table counts as missing). */
async function indexState(conn: Connection, table: Name, name: string): Promise<IndexState> {
  const res = await conn.query<{ valid: boolean }>(
    `SELECT ix.indisvalid AND ix.indisready AS valid FROM pg_index ix JOIN pg_class ci ON ci.oid = ix.indexrelid
      WHERE ix.indrelid = to_regclass($1) AND ci.relname = $2`,
    [quoted(table), name],
  );
  const row = res.rows[0];
  return row === undefined ? 'missing' : row.valid ? 'valid' : 'invalid';
}

type AnyNode = Record<string, unknown>;
const names = (items: unknown): string[] =>
  Array.isArray(items)
    ? items.map((i) => String((i as { String?: { sval?: string } }).String?.sval ?? ''))
    : [];
const redo = (reason: string, cleanup: string[] = []): Settlement => ({ outcome: 'redo', reason, cleanup });

async function settleIndexBuild(conn: Connection, stmt: AnyNode, inFlight: boolean): Promise<Settlement> {
  const rel = stmt.relation as { schemaname?: string; relname: string };
  const name = stmt.idxname as string | undefined;
  const schema = rel.schemaname ? [rel.schemaname] : [];
  const table = [...schema, rel.relname];
  if (!name) {
    return {
      outcome: 'unknown',
      reason: 'the index has no name, so sluice cannot find what the build left behind',
    };
  }
  const state = await indexState(conn, table, name);
  if (state === 'invalid') {
    // What an interrupted or failed concurrent build leaves: an index that is not used for reads
    // but is still maintained on every write. Drop it and build again.
    const drop = renderInline(
      sql`DROP INDEX CONCURRENTLY IF EXISTS ${qualify([...schema, name])}`,
      postgresQuoting,
    );
    return redo(`index ${name} was left invalid: dropped and built again`, [drop]);
  }
  if (state === 'valid' && inFlight) return { outcome: 'done', reason: `index ${name} was built` };
  return redo(state === 'missing' ? `index ${name} does not exist yet` : `index ${name} exists`);
}

async function settleIndexDrop(conn: Connection, stmt: AnyNode): Promise<Settlement> {
  if (stmt.missing_ok === true) return redo('DROP … IF EXISTS is safe to repeat');
  const objects = (stmt.objects as { List?: { items?: unknown } }[]).map((o) => names(o.List?.items));
  const found = await conn.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM unnest($1::text[]) AS t(name) WHERE to_regclass(t.name) IS NOT NULL',
    [objects.map(quoted)],
  );
  const present = found.rows[0]?.n ?? 0;
  if (present === 0) return { outcome: 'done', reason: 'the indexes it drops are gone' };
  if (present === objects.length) return redo('the indexes it drops still exist');
  return { outcome: 'unknown', reason: 'some of the indexes it drops are gone and some are not' };
}

async function settleEnumValue(conn: Connection, stmt: AnyNode): Promise<Settlement> {
  if (typeof stmt.newVal !== 'string' || stmt.oldVal !== undefined) {
    return { outcome: 'unknown', reason: 'renaming an enum value cannot be checked' };
  }
  if (stmt.skipIfNewValExists === true) return redo('ADD VALUE IF NOT EXISTS is safe to repeat');
  const type = names(stmt.typeName);
  const res = await conn.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_enum WHERE enumtypid = to_regtype($1) AND enumlabel = $2',
    [quoted(type), stmt.newVal],
  );
  return (res.rows[0]?.n ?? 0) > 0
    ? { outcome: 'done', reason: `enum value ${stmt.newVal} exists` }
    : redo(`enum value ${stmt.newVal} does not exist yet`);
}

/** Statements whose second run changes nothing the first did not. */
const REPEATABLE = new Set(['VacuumStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'ClusterStmt']);

/**
 * Decides what to do with a statement that ran outside a transaction when its outcome is unknown.
 * `inFlight`: the runner died while it ran (it may have taken effect); otherwise it failed, and only
 * what a failure leaves behind (an invalid index) is cleaned up.
 *
 * @example
 * const s = await settleInterrupted(conn, 'CREATE INDEX CONCURRENTLY "i" ON "t" ("a")', true);
 * if (s.outcome === 'redo') { for (const c of s.cleanup) await conn.query(c); await conn.query(text); }
 */
export async function settleInterrupted(
  conn: Connection,
  statement: string,
  inFlight: boolean,
): Promise<Settlement> {
  await loadParser();
  const parsed = parseSql(statement);
  const node = parsed.ok && parsed.stmts.length === 1 ? (parsed.stmts[0]!.node as AnyNode) : null;
  const [kind, body] = node ? (Object.entries(node)[0] as [string, AnyNode]) : ['', {}];
  if (kind === 'IndexStmt') return settleIndexBuild(conn, body, inFlight);
  if (!inFlight) return redo('it failed, so it did not take effect');
  if (kind === 'DropStmt' && body.removeType === 'OBJECT_INDEX') return settleIndexDrop(conn, body);
  if (kind === 'AlterEnumStmt') return settleEnumValue(conn, body);
  if (REPEATABLE.has(kind)) return redo('it is safe to repeat');
  return { outcome: 'unknown', reason: 'sluice cannot tell from the catalog whether it took effect' };
}
