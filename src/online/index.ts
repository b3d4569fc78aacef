/**
 * Zero-downtime online migrations (expand / contract), the runner's entry points.
 *
 * An online migration declares operations; `startOnline` expands the schema so both the old and
 * the new application version work at once, each through its own **version schema** of views
 * (applications choose one with `search_path`), with database-side dual writes between them.
 * `completeOnline` contracts to the new shape; `abortOnline` restores the old one.
 *
 * Version schemas: the new version's schema is `versionSchemaName(version, name)`. The old
 * version's schema is the schema of the previous online migration when it still exists (it is the
 * version applications already use), otherwise `sluice_base` (created by `start`, dropped by
 * `complete` and `abort`). Applications that use plain `public` count as the old version too.
 * Version schemas expose the tables of `public` (or `ctx.schema`) as they were when the migration
 * started: tables changed later by a regular migration appear in the next online migration's schema.
 *
 * @example
 * import { startOnline, completeOnline, versionSchemaName } from './online/index.js';
 * await startOnline({ conn, version: '20240101120000', name: 'split_name', definition, lockTimeoutMs: 2000, lockRetries: 10 });
 * // deploy the new app with search_path = versionSchemaName('20240101120000', 'split_name'), public
 * await completeOnline({ conn, version: '20240101120000', name: 'split_name', definition, lockTimeoutMs: 2000, lockRetries: 10 });
 */
import type { Connection } from '../dialects/dialect.js';
import { sql } from '../sql/tag.js';
import { run } from './db.js';
import { readStates } from './state.js';

export { type OpBuilder, opBuilder } from './builder.js';
export { versionSchemaName } from './names.js';
export { abortOnline } from './phases/abort.js';
export { completeOnline } from './phases/complete.js';
export { startOnline } from './phases/start.js';
export { type OnlinePreview, type PreviewStatement, previewOnline } from './preview.js';
export {
  localSearchPathStatement,
  searchPathHook,
  searchPathOptions,
  searchPathStatement,
  usePgSearchPath,
  withSearchPathTransaction,
} from './search-path.js';
export type { OnlineContext, OnlineOperation, OnlinePlan } from './types.js';
export { validateOnlineMigration } from './validate.js';

/**
 * Online migrations that are not completed: `expanding`, `active`, `swapped` (completed, old table
 * kept for abort) or `aborting`.
 *
 * @example
 * for (const m of await activeOnlineMigrations(conn)) console.log(m.version, m.phase, m.schema);
 */
export async function activeOnlineMigrations(
  conn: Connection,
): Promise<{ version: string; name: string; phase: string; schema: string }[]> {
  return (await readStates(conn))
    .filter((s) => s.phase !== 'completed')
    .map((s) => ({ version: s.version, name: s.name, phase: s.phase, schema: s.schema }));
}

/**
 * The newest version schema that exists (the one a new deployment should use), or null when no
 * online migration has run.
 *
 * @example
 * const schema = await latestVersionSchema(conn); // 'sluice_20240101120000_split_name'
 */
export async function latestVersionSchema(conn: Connection): Promise<string | null> {
  const states = (await readStates(conn)).filter(
    (s) => s.phase === 'active' || s.phase === 'swapped' || s.phase === 'completed',
  );
  for (const s of states.reverse()) {
    const r = await run<{ ok: boolean }>(
      conn,
      sql`SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${s.schema}) AS ok`,
    );
    if (r.rows[0]?.ok) return s.schema;
  }
  return null;
}
