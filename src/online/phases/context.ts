/**
 * Builds the {@link PhaseContext} operation hooks receive: the session, the stored plan and the
 * catalog probes every idempotent step is guarded by.
 */
import { ident, postgresQuoting, render, type SqlFragment, sql } from '../../sql/tag.js';
import { type BackfillSpec, runBackfill } from '../backfill/index.js';
import { checkSignal, run, type Session } from '../db.js';
import { quotedName, STATE_SCHEMA } from '../names.js';
import type { PhaseContext } from '../operation.js';
import { recordBackfill } from '../preview-backfill.js';
import { RecordingConnection } from '../recording.js';
import type { OnlinePlan } from '../types.js';

/**
 * @example
 * const phase = phaseContext(session, plan, false);
 * if (!(await phase.columnExists('users', '_sluice_age'))) { … }
 */
export function phaseContext(session: Session, plan: OnlinePlan, dropOld: boolean): PhaseContext {
  const conn = session.conn;
  // A preview (plan, --dry-run): statements are recorded, and probes first see what the statements
  // recorded before them would have changed.
  const rec = conn instanceof RecordingConnection ? conn : null;
  const known = rec?.catalog;
  // to_regclass takes a name as text: quote both parts so odd names resolve exactly.
  const rel = (name: string) => quotedName(plan.schema, name);
  // Batching: inside a short-lock transaction, consecutive `exec` statements without values (DDL,
  // LOCK) go to the server as one multi-statement query, so the locks are held for the statements'
  // own time rather than for one network round trip each. Anything that reads (`query`, a probe)
  // sends what is pending first, so the order and the results are exactly as if each ran at once.
  let batching = false;
  const pending: SqlFragment[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const text = pending.map((f) => render(f, postgresQuoting).text).join(';\n');
    pending.length = 0;
    await conn.query(text);
  };
  const phase: PhaseContext = {
    ...session,
    plan,
    dropOld,
    preview: rec !== null,
    async exec(statement: SqlFragment) {
      if (batching && statement.isStatic) {
        pending.push(statement);
        return;
      }
      await flush();
      await run(conn, statement);
    },
    async query<R>(statement: SqlFragment) {
      await flush();
      return run<R>(conn, statement);
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
      const names = ask.map((r) => quotedName(r.schema, r.name));
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
      checkSignal(session);
      const state = await phase.index(name);
      if (state?.valid) return;
      // An invalid index is what a crashed or failed CONCURRENTLY build leaves: start it over.
      if (state) await run(conn, sql`DROP INDEX CONCURRENTLY IF EXISTS ${ident(plan.schema, name)}`);
      session.onEvent?.({ type: 'index', message: `building index ${name} concurrently` });
      await run(conn, create);
    },
    async backfill(spec: BackfillSpec) {
      checkSignal(session);
      session.onEvent?.({ type: 'backfill', message: `backfill ${spec.id}` });
      if (rec) {
        // The walked table exists before the migration: its key is the one planning read.
        const keyTable = spec.mode === 'update' ? spec.table : spec.source;
        const t = plan.tables.find((x) => x.physical === keyTable.name && x.oldName !== null);
        recordBackfill(rec, spec, t?.primaryKey ?? []);
        return;
      }
      await runBackfill(conn, spec, {
        ...session.backfillOptions,
        stateSchema: STATE_SCHEMA,
        signal: session.signal,
        lockTimeoutMs: Math.max(session.lockTimeoutMs, 1000),
        onProgress: (p) =>
          session.onEvent?.({
            type: 'backfill',
            message: `${p.id}: ${p.rowsDone}/${p.rowsTotal} rows`,
            progress: p,
          }),
      });
    },
  };
  return phase;
}
