/**
 * What an online migration will really do, without doing it: the phases themselves (`start`, then
 * `complete` and `abort` from the state a successful start leaves) run against a
 * {@link RecordingConnection}. The preview is therefore made by the same code as the real run:
 * the same expand statements, backfill batch, locks, contract and rollback, and the same refusals
 * (another online migration active, an expression that fails against the real tables).
 */
import { loadParser } from '../dialects/postgres/parser.js';
import { abortOnline } from './phases/abort.js';
import { completeOnline } from './phases/complete.js';
import { startOnline } from './phases/start.js';
import { type PreviewStatement, RecordingConnection } from './recording.js';
import { readState } from './state.js';
import type { OnlineContext } from './types.js';

export type { PreviewStatement } from './recording.js';

/** The statements of each phase of an online migration, in the order they would be sent. */
export interface OnlinePreview {
  /** The version schema applications of the new version use. */
  schema: string | null;
  statements: PreviewStatement[];
}

/**
 * The plan as `complete` and `abort` read it back: stored as jsonb, whose objects keep their keys
 * shorter first, then in byte order. Statements built by walking an object (a sync trigger's column
 * list) then come out in the order the real phases use.
 */
function asStored<T>(value: T): T {
  const order = (a: string, b: string) =>
    a.length - b.length || Buffer.compare(Buffer.from(a), Buffer.from(b));
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => order(a, b)))
        : v,
    ),
  );
}

/** A step label from the phases' own progress events. */
function stepOf(e: { type: string; message: string }): string | null {
  if (e.type === 'step') return e.message;
  if (e.type === 'backfill') return 'backfill';
  if (e.type === 'index') return 'build: indexes, concurrently';
  return null;
}

/**
 * Records what `sluice up` would do to start the online migration, then what `sluice complete` and
 * `sluice abort` would do after it. `ctx.conn` is only read (it is made read-only meanwhile).
 *
 * @example
 * const p = await previewOnline({ conn, version, name, definition, lockTimeoutMs: 2000, lockRetries: 10 }, 15);
 * for (const s of p.statements) console.log(s.phase, s.step, s.sql, s.locks);
 */
export async function previewOnline(ctx: OnlineContext, pgVersion: number): Promise<OnlinePreview> {
  await loadParser();
  const rec = new RecordingConnection(ctx.conn, ctx.schema ?? 'public', pgVersion);
  const recorded: OnlineContext = {
    ...ctx,
    conn: rec,
    signal: undefined,
    onEvent: (e) => {
      const step = stepOf(e);
      if (step) rec.step = step;
    },
  };
  await rec.begin();
  try {
    // A migration whose start already finished (its history row not yet written) starts no more.
    const state = (await startOnline(recorded)) ?? (await readState(rec, ctx.version));
    if (!state) return { schema: null, statements: rec.statements };
    const afterStart = rec.catalog;
    const active = { ...state, plan: asStored(state.plan), phase: 'active' as const };
    for (const phase of ['complete', 'abort'] as const) {
      rec.phase = phase;
      rec.step = phase;
      rec.catalog = afterStart.fork(); // both start from what the start leaves
      if (phase === 'complete') await completeOnline(recorded, active);
      else await abortOnline(recorded, active);
    }
    return { schema: state.schema, statements: rec.statements };
  } finally {
    await rec.end();
  }
}
