/**
 * `EXPLAIN` of a batch, reduced to what matters: how the walked table is scanned. The engine runs it
 * once before the first batch (it also proves that the author's SQL compiles), tests assert its
 * shape, and the benchmark checks it on large tables.
 */
import type { Connection } from '../../dialects/dialect.js';
import { sql } from '../../sql/tag.js';
import { resolveSpec } from './catalog.js';
import { ensureCheckpointTable, run } from './checkpoint.js';
import { batchStatement, maxKeyStatement, nextKeyStatement, type ResolvedSpec } from './statements.js';
import type { BackfillSpec } from './types.js';

/** One plan node that reads the walked table. */
export interface ScanNode {
  nodeType: string;
  indexName: string | null;
  indexCond: string | null;
  /** Rows the planner expected. */
  planRows: number;
}

/** The shape of a batch's plan. */
export interface BatchPlan {
  /** The `EXPLAIN (VERBOSE, FORMAT JSON)` output of the walk to the batch's last key, then of the write. */
  plan: unknown[];
  /** Every node that reads the walked table. */
  scans: ScanNode[];
  /**
   * Node types of joins that read the walked table (none expected). Joins elsewhere, such as the
   * batch's read of `pg_locks` against `pg_stat_activity`, do not touch the table's rows.
   */
  joins: string[];
  /** True when every read of the walked table is an index range scan of its primary key, and no join reads it. */
  keyRange: boolean;
}

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/**
 * Reduces `EXPLAIN (VERBOSE, FORMAT JSON)` results to {@link BatchPlan}.
 *
 * @example
 * summarizePlan([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 't', Schema: 'public' } }], r, 't_pkey').keyRange // false
 */
export function summarizePlan(plan: unknown[], r: ResolvedSpec, pkIndex: string): BatchPlan {
  const scans: ScanNode[] = [];
  const joins: string[] = [];
  const roots = (Array.isArray(plan) ? plan : []).map((p) => (p as { Plan?: PlanNode }).Plan ?? {});
  const readsTable = (n: PlanNode) =>
    n['Relation Name'] === r.keyTable.name &&
    n.Schema === r.keyTable.schema &&
    /Scan/.test(String(n['Node Type']));
  for (const root of roots)
    walk(root, (n) => {
      const type = String(n['Node Type']);
      if (/Join|Nested Loop/.test(type)) {
        let reads = false;
        walk(n, (child) => {
          reads ||= readsTable(child);
        });
        if (reads) joins.push(type);
      }
      if (readsTable(n)) {
        // A bitmap heap scan reads the range its bitmap index scan (the only child) found.
        const source = type === 'Bitmap Heap Scan' && n.Plans?.length === 1 ? n.Plans[0]! : n;
        scans.push({
          nodeType: type,
          indexName: typeof source['Index Name'] === 'string' ? source['Index Name'] : null,
          indexCond: typeof source['Index Cond'] === 'string' ? source['Index Cond'] : null,
          planRows: Number(n['Plan Rows']),
        });
      }
    });
  // Index scans and bitmap scans of the primary key both read only the batch's key range (a bitmap
  // scan is what the planner picks when a batch is a large share of a small table).
  const keyRange =
    scans.length > 0 &&
    joins.length === 0 &&
    scans.every(
      (s) =>
        /^(Index (Only )?Scan|Bitmap Heap Scan)$/.test(s.nodeType) &&
        s.indexName === pkIndex &&
        s.indexCond !== null,
    );
  return { plan, scans, joins, keyRange };
}

/** The two statements of a batch: the walk to its last key, and the write. */
export interface PlanBounds {
  lastKey: readonly string[] | null;
  maxKey: readonly (string | null)[];
  batchSize: number;
}

/**
 * EXPLAINs both statements of a batch and summarizes them. The end of the batch is looked up for
 * real (a read), so the write is planned with the constants it would get.
 *
 * @example
 * const { keyRange } = await explainResolved(conn, resolved, 'sluice', { lastKey: null, maxKey: ['100'], batchSize: 10 });
 */
export async function explainResolved(
  conn: Connection,
  r: ResolvedSpec,
  stateSchema: string,
  b: PlanBounds,
): Promise<BatchPlan> {
  const walk = nextKeyStatement(r, b.lastKey, b.maxKey, b.batchSize);
  const hiKey = (await run<{ key: string[] }>(conn, walk))[0]?.key ?? b.maxKey;
  const write = batchStatement(r, stateSchema, {
    lastKey: b.lastKey,
    hiKey,
    keys: 0,
    batchSize: b.batchSize,
  });
  const plans: unknown[] = [];
  for (const statement of [walk, write]) {
    const rows = await run<{ 'QUERY PLAN': unknown[] }>(
      conn,
      sql`EXPLAIN (VERBOSE, FORMAT JSON) ${statement}`,
    );
    plans.push(...(rows[0]?.['QUERY PLAN'] ?? []));
  }
  const index = await run<{ name: string }>(
    conn,
    sql`SELECT ic.relname AS name FROM pg_catalog.pg_index i
         JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = ${r.keyTable.schema} AND t.relname = ${r.keyTable.name} AND i.indisprimary`,
  );
  return summarizePlan(plans, r, index[0]?.name ?? '');
}

/**
 * The plan a batch of this backfill would get, without writing anything. It reads the table (to
 * find the batch's end) and creates the checkpoint table if it is missing, since the batch
 * statement names it.
 *
 * @example
 * const { keyRange, scans } = await explainBatch(conn, spec, { batchSize: 10_000 });
 * // keyRange === true; scans[0].nodeType === 'Index Scan'
 */
export async function explainBatch(
  conn: Connection,
  spec: BackfillSpec,
  options: { batchSize?: number; lastKey?: string[] | null; stateSchema?: string } = {},
): Promise<BatchPlan> {
  const stateSchema = options.stateSchema ?? 'sluice';
  const r = await resolveSpec(conn, spec);
  await ensureCheckpointTable(conn, stateSchema);
  const max =
    (await run<{ key: string[] }>(conn, maxKeyStatement(r)))[0]?.key ?? r.keyColumns.map(() => null);
  return explainResolved(conn, r, stateSchema, {
    lastKey: options.lastKey ?? null,
    maxKey: max,
    batchSize: options.batchSize ?? 1000,
  });
}
