/**
 * Builds the {@link PhaseContext} operation hooks receive: the session, the stored plan and the
 * catalog probes every idempotent step is guarded by.
 */
import { ident, postgresQuoting, render, type SqlFragment, sql } from '../../sql/tag.js';
import { type BackfillSpec, runBackfill } from '../backfill/index.js';
import { checkSignal, run, type Session } from '../db.js';
import { STATE_SCHEMA } from '../names.js';
import type { PhaseContext } from '../operation.js';
import { recordBackfill } from '../preview-backfill.js';
import { RecordingConnection } from '../recording.js';
import type { OnlinePlan } from '../types.js';

/**
 * @example
 * const x = phaseContext(session, plan, false);
 * if (!(await x.columnExists('users', '_sluice_age'))) { … }
 */
export function phaseContext(s: Session, plan: OnlinePlan, dropOld: boolean): PhaseContext {
  const conn = s.conn;
  // A preview (plan, --dry-run): statements are recorded, and probes first see what the statements
  // recorded before them would have changed.
  const rec = conn instanceof RecordingConnection ? conn : null;
  const known = rec?.catalog;
  // to_regclass takes a name as text: quote both parts so odd names resolve exactly.
  const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
  const rel = (name: string) => `${q(plan.schema)}.${q(name)}`;
  // Batching: inside a short-lock transaction, consecutive static statements (DDL, LOCK) go to the
  // server as one multi-statement query, so the locks are held for the statements' own time rather
  // than for one network round trip each. Anything that reads (a probe, a statement with values)
  // sends what is pending first, so the order and the results are exactly as if each ran at once.
  let batching = false;
  const pending: SqlFragment[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const text = pending.map((f) => render(f, postgresQuoting).text).join(';\n');
    pending.length = 0;
    await conn.query(text);
  };
  const x: PhaseContext = {
    ...s,
    plan,
    dropOld,
    preview: rec !== null,
    async run<R>(f: SqlFragment) {
      if (batching && f.isStatic) {
        pending.push(f);
        return { rows: [] as R[], rowCount: null };
      }
      await flush();
      return run<R>(conn, f);
    },
    flush,
    async batch(fn) {
      batching = true;
      try {
        const result = await fn();
        await flush();
        return result;
      } finally {
        batching = false;
        pending.length = 0;
      }
    },
    async columnExists(table, column) {
      await flush();
      const k = known?.column(plan.schema, table, column);
      if (k !== undefined) return k;
      const live = known?.liveName(plan.schema, table) ?? table;
      const r = await run<{ ok: boolean }>(
        conn,
        sql`SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(${rel(live)})
              AND attname = ${column} AND attnum > 0 AND NOT attisdropped) AS ok`,
      );
      return r.rows[0]?.ok === true;
    },
    async tableExists(table) {
      await flush();
      const k = known?.table(plan.schema, table);
      if (k !== undefined) return k;
      const r = await run<{ ok: boolean }>(conn, sql`SELECT to_regclass(${rel(table)}) IS NOT NULL AS ok`);
      return r.rows[0]?.ok === true;
    },
    async relationsExist(relations) {
      await flush();
      const decided = relations.map((r) => known?.table(r.schema, r.name));
      const ask = relations.filter((_, i) => decided[i] === undefined);
      const names = ask.map((r) => `${q(r.schema)}.${q(r.name)}`);
      const live =
        names.length === 0
          ? []
          : (
              await run<{ ok: boolean }>(
                conn,
                sql`SELECT to_regclass(name) IS NOT NULL AS ok FROM unnest(${names}::text[]) WITH ORDINALITY AS u(name, i) ORDER BY i`,
              )
            ).rows.map((r) => r.ok === true);
      return decided.map((d) => d ?? live.shift() ?? false);
    },
    async constraint(table, name) {
      await flush();
      const k = known?.constraint(plan.schema, name);
      if (k !== undefined) return k;
      const live = known?.liveName(plan.schema, table) ?? table;
      const r = await run<{ valid: boolean }>(
        conn,
        sql`SELECT convalidated AS valid FROM pg_constraint WHERE conrelid = to_regclass(${rel(live)}) AND conname = ${name}`,
      );
      return r.rows[0] ?? null;
    },
    async index(name) {
      await flush();
      const k = known?.index(plan.schema, name);
      if (k !== undefined) return k;
      const r = await run<{ valid: boolean }>(
        conn,
        sql`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass(${rel(name)})`,
      );
      return r.rows[0] ?? null;
    },
    async buildIndex(name, create) {
      checkSignal(s);
      const state = await x.index(name);
      if (state?.valid) return;
      // An invalid index is what a crashed or failed CONCURRENTLY build leaves: start it over.
      if (state) await run(conn, sql`DROP INDEX CONCURRENTLY IF EXISTS ${ident(plan.schema, name)}`);
      s.onEvent?.({ type: 'index', message: `building index ${name} concurrently` });
      await run(conn, create);
    },
    async backfill(spec: BackfillSpec) {
      checkSignal(s);
      s.onEvent?.({ type: 'backfill', message: `backfill ${spec.id}` });
      if (rec) {
        // The walked table exists before the migration: its key is the one planning read.
        const keyTable = spec.mode === 'update' ? spec.table : spec.source;
        const t = plan.tables.find((x) => x.physical === keyTable.name && x.oldName !== null);
        recordBackfill(rec, spec, t?.primaryKey ?? []);
        return;
      }
      await runBackfill(conn, spec, {
        ...s.backfillOptions,
        stateSchema: STATE_SCHEMA,
        signal: s.signal,
        lockTimeoutMs: Math.max(s.lockTimeoutMs, 1000),
        onProgress: (p) =>
          s.onEvent?.({
            type: 'backfill',
            message: `${p.id}: ${p.rowsDone}/${p.rowsTotal} rows`,
            progress: p,
          }),
      });
    },
  };
  return x;
}
