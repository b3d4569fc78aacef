/**
 * A {@link Connection} that records what the online phases send instead of running it, so that
 * `sluice plan` and `up --dry-run` show what the same code would do. Reads (a plain SELECT, SHOW)
 * run on the live session, which is made read-only first: planning needs the catalog, and the
 * database refuses any write that would slip through. Everything else (DDL, DML, LOCK, BEGIN,
 * COMMIT, SET) is recorded with the locks the statement analyzer says it takes, and its catalog
 * effect is remembered ({@link PreviewCatalog}) for the probes of later steps.
 */
import type { Node } from 'libpg-query';
import type { Connection, QueryResult } from '../dialects/dialect.js';
import { parseSql } from '../dialects/postgres/parser.js';
import { analyzeNode } from '../lint/analyze.js';
import { nodeType } from '../lint/ast.js';
import { lockStrength } from '../lint/locks.js';
import type { PgLockMode } from '../lint/types.js';
import { inlineValues, postgresQuoting } from '../sql/tag.js';
import { STATE_SCHEMA } from './names.js';
import { PreviewCatalog } from './preview-catalog.js';

/** One statement a previewed phase would send. */
export interface PreviewStatement {
  /** The statement, bound values inlined (backfill bounds stay placeholders). */
  sql: string;
  /** `start` (what `sluice up` runs), `complete` or `abort`. */
  phase: 'start' | 'complete' | 'abort';
  /** The step of the phase it belongs to, e.g. `expand`, `backfill`, `build`, `contract`. */
  step: string;
  /** Statement kind, e.g. `ALTER TABLE`, `LOCK`, `BEGIN`; null when it did not parse. */
  kind: string | null;
  /** Table-level locks it takes, held until the end of its transaction when it is in one. */
  locks: { mode: string; table: string }[];
  /** True inside an explicit transaction (the short-lock transactions). */
  inTransaction: boolean;
  /** sluice's own bookkeeping (its state schema), not a change to the application's tables. */
  bookkeeping: boolean;
  /** For a backfill batch: the table and key it walks, and how rows are written. */
  backfill?: { id: string; mode: 'update' | 'copy'; table: string; key: string[]; target?: string };
}

const READ_NODES = new Set(['SelectStmt', 'VariableShowStmt']);

/** True for a statement that only reads: a SELECT without INTO, locking or a writing CTE. */
function readsOnly(node: Node): boolean {
  if (!READ_NODES.has(nodeType(node))) return false;
  if (!('SelectStmt' in node)) return true;
  const s = node.SelectStmt;
  if (s.intoClause || (s.lockingClause?.length ?? 0) > 0) return false;
  for (const c of s.withClause?.ctes ?? []) {
    const q = 'CommonTableExpr' in c ? c.CommonTableExpr.ctequery : undefined;
    if (q && !readsOnly(q)) return false;
  }
  return true;
}

/** True when the statement names sluice's state schema (its own bookkeeping). */
function touchesStateSchema(node: Node): boolean {
  let found = false;
  const walk = (x: unknown): void => {
    if (found || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const item of x) walk(item);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.schemaname === STATE_SCHEMA) found = true;
    for (const k in o) walk(o[k]);
  };
  walk(node);
  return found;
}

/**
 * @example
 * const rec = new RecordingConnection(conn, 'public', 15);
 * await rec.begin(); try { await startOnline({ ...ctx, conn: rec }); } finally { await rec.end(); }
 * rec.statements // what start would send
 */
export class RecordingConnection implements Connection {
  readonly statements: PreviewStatement[] = [];
  catalog: PreviewCatalog;
  phase: PreviewStatement['phase'] = 'start';
  step = 'plan';
  private inTransaction = false;

  constructor(
    readonly live: Connection,
    schema: string,
    private readonly pgVersion: number,
  ) {
    this.catalog = new PreviewCatalog(schema);
  }

  /** Makes the live session read-only for the preview (the parser must be loaded first). */
  async begin(): Promise<void> {
    await this.live.query('SET default_transaction_read_only = on');
  }

  /** Gives the live session back as it was. */
  async end(): Promise<void> {
    await this.live.query('RESET default_transaction_read_only');
  }

  async query<R = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
  ): Promise<QueryResult<R>> {
    const parsed = parseSql(text);
    if (parsed.ok && parsed.stmts.length > 0 && parsed.stmts.every((s) => readsOnly(s.node))) {
      return this.live.query<R>(text, values);
    }
    const shown = inlineValues(text.trim(), values ?? [], postgresQuoting);
    if (!parsed.ok || (values && values.length > 0)) {
      // One statement with bound values (the parser cannot split on them anyway).
      this.add(shown, parsed.ok ? parsed.stmts[0]?.node : undefined);
    } else {
      for (const s of parsed.stmts) this.add(text.slice(s.start, s.end).trim(), s.node);
    }
    return { rows: [], rowCount: 0 };
  }

  /** Records a statement that is not sent through `query` (a backfill batch's shape). */
  add(text: string, node?: Node, extra: Partial<PreviewStatement> = {}): void {
    let kind: string | null = null;
    let locks: PreviewStatement['locks'] = [];
    if (node) {
      const a = analyzeNode(node, { pgVersion: this.pgVersion });
      kind = a.kind;
      locks = this.locksOf(node);
      this.catalog.apply(node);
      if ('TransactionStmt' in node) {
        const k = node.TransactionStmt.kind;
        if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') this.inTransaction = true;
        this.push({ sql: text, kind, locks, bookkeeping: false, extra, inTransaction: true });
        if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK') this.inTransaction = false;
        return;
      }
    }
    const bookkeeping = node ? touchesStateSchema(node) : false;
    this.push({ sql: text, kind, locks, bookkeeping, extra, inTransaction: this.inTransaction });
  }

  /**
   * The table locks of a statement: the analyzer's, and for a statement with a WITH clause (a
   * backfill batch writes in its CTEs) those of each CTE, the CTE names themselves left out.
   * Catalog reads lock nothing an application waits for and are left out too.
   */
  private locksOf(node: Node): PreviewStatement['locks'] {
    const nodes: Node[] = [node];
    const ctes = new Set<string>();
    if ('SelectStmt' in node) {
      for (const c of node.SelectStmt.withClause?.ctes ?? []) {
        if (!('CommonTableExpr' in c)) continue;
        if (c.CommonTableExpr.ctename) ctes.add(c.CommonTableExpr.ctename);
        if (c.CommonTableExpr.ctequery) nodes.push(c.CommonTableExpr.ctequery);
      }
    }
    const strongest = new Map<string, PgLockMode>();
    for (const n of nodes) {
      for (const l of analyzeNode(n, { pgVersion: this.pgVersion }).locks) {
        if (ctes.has(l.table) || l.table.startsWith('pg_catalog.')) continue;
        const was = strongest.get(l.table);
        if (!was || lockStrength(l.mode) > lockStrength(was)) strongest.set(l.table, l.mode);
      }
    }
    return [...strongest].map(([table, mode]) => ({ mode, table }));
  }

  private push(s: {
    sql: string;
    kind: string | null;
    locks: PreviewStatement['locks'];
    bookkeeping: boolean;
    inTransaction: boolean;
    extra: Partial<PreviewStatement>;
  }): void {
    const sqlText = s.sql.replace(/;\s*$/, '');
    this.statements.push({
      sql: sqlText,
      phase: this.phase,
      step: this.step,
      kind: s.kind,
      locks: s.locks,
      inTransaction: s.inTransaction,
      bookkeeping: s.bookkeeping,
      ...s.extra,
    });
  }

  async close(): Promise<void> {
    // The live session belongs to the caller.
  }
}
