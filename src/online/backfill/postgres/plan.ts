/**
 * `EXPLAIN` of a batch on PostgreSQL, reduced to what matters: how the walked table is scanned. The
 * engine runs it once before the first batch (it also proves that the author's SQL compiles), tests
 * assert its shape, and the benchmark checks it on large tables.
 */
import type { Connection } from '../../../dialects/dialect.js';
import { queryRows } from '../../../dialects/query.js';
import { postgresQuoting, sql } from '../../../sql/tag.js';
import type { BatchPlan, PlanBounds, ScanNode } from '../dialect.js';
import type { ResolvedSpec } from '../types.js';
import { batchStatement, nextKeyStatement } from './statements.js';

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/**
 * Reduces `EXPLAIN (VERBOSE, FORMAT JSON)` results to {@link BatchPlan}.
 *
 * @example
 * summarizePlan([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 't', Schema: 'public' } }], r, 't_pkey').keyRange // false
 */
export function summarizePlan(plan: unknown[], resolved: ResolvedSpec, pkIndex: string): BatchPlan {
  const scans: ScanNode[] = [];
  const joins: string[] = [];
  const roots = (Array.isArray(plan) ? plan : []).map((p) => (p as { Plan?: PlanNode }).Plan ?? {});
  const readsTable = (node: PlanNode) =>
    node['Relation Name'] === resolved.keyTable.name &&
    node.Schema === resolved.keyTable.schema &&
    /Scan/.test(String(node['Node Type']));
  for (const root of roots)
    walk(root, (node) => {
      const type = String(node['Node Type']);
      if (/Join|Nested Loop/.test(type)) {
        let reads = false;
        walk(node, (child) => {
          reads ||= readsTable(child);
        });
        if (reads) joins.push(type);
      }
      if (readsTable(node)) {
        // A bitmap heap scan reads the range its bitmap index scan (the only child) found.
        const source = type === 'Bitmap Heap Scan' && node.Plans?.length === 1 ? node.Plans[0]! : node;
        scans.push({
          nodeType: type,
          indexName: typeof source['Index Name'] === 'string' ? source['Index Name'] : null,
          indexCond: typeof source['Index Cond'] === 'string' ? source['Index Cond'] : null,
          planRows: Number(node['Plan Rows']),
        });
      }
    });
  // Index scans and bitmap scans of the primary key both read only the batch's key range (a bitmap
  // scan is what the planner picks when a batch is a large share of a small table).
  const keyRange =
    scans.length > 0 &&
    joins.length === 0 &&
    scans.every(
      (scan) =>
        /^(Index (Only )?Scan|Bitmap Heap Scan)$/.test(scan.nodeType) &&
        scan.indexName === pkIndex &&
        scan.indexCond !== null,
    );
  return { plan, scans, joins, keyRange };
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
  resolved: ResolvedSpec,
  stateSchema: string,
  bounds: PlanBounds,
): Promise<BatchPlan> {
  const walk = nextKeyStatement(resolved, bounds.lastKey, bounds.maxKey, bounds.batchSize);
  const hiKey = (await queryRows<{ key: string[] }>(conn, postgresQuoting, walk))[0]?.key ?? bounds.maxKey;
  const write = batchStatement(resolved, stateSchema, {
    lastKey: bounds.lastKey,
    hiKey,
    keys: 0,
    batchSize: bounds.batchSize,
  });
  const plans: unknown[] = [];
  for (const statement of [walk, write]) {
    const explain = sql`EXPLAIN (VERBOSE, FORMAT JSON) ${statement}`;
    const rows = await queryRows<{ 'QUERY PLAN': unknown[] }>(conn, postgresQuoting, explain);
    plans.push(...(rows[0]?.['QUERY PLAN'] ?? []));
  }
  const index = await queryRows<{ name: string }>(
    conn,
    postgresQuoting,
    sql`SELECT ic.relname AS name FROM pg_catalog.pg_index i
         JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = ${resolved.keyTable.schema} AND t.relname = ${resolved.keyTable.name} AND i.indisprimary`,
  );
  return summarizePlan(plans, resolved, index[0]?.name ?? '');
}
