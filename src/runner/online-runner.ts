/**
 * The runner's side of online (zero-downtime) migrations: `up` expands, `complete` contracts,
 * `abort` rolls back; the history row is `active` between expand and complete. The online engine
 * itself lives in `src/online/` and is loaded only when an online migration is involved.
 */
import type { Connection, Dialect } from '../dialects/dialect.js';
import { SluiceError, UsageError } from '../errors.js';
import { loadMigration } from '../migrations/load.js';
import type { MigrationDefinition, MigrationFile } from '../migrations/types.js';
import type { RunnerEvent } from './execute.js';
import { type HistoryStore, run } from './history.js';
import type { Status } from './plan.js';

export interface OnlineEnv {
  conn: Connection;
  dialect: Dialect;
  history: HistoryStore;
  lockTimeoutMs: number;
  lockRetries: number;
  lockRetryBudgetMs?: number;
  onEvent: (event: RunnerEvent) => void;
  signal?: AbortSignal;
}

/** True for a migration file whose definition says `online: true`. */
export function isOnline(definition: MigrationDefinition | undefined): boolean {
  return definition?.online === true;
}

/**
 * Refuses (exit 2, `online-unsupported`) what needs the online engine on a dialect that has none:
 * the engine is PostgreSQL's (views, PL/pgSQL triggers, `search_path`). `what` names the file or
 * the command.
 *
 * @example
 * refuseOnlineUnsupported(dialect, 'migrations/20240101120000_split_name.ts');
 */
export function refuseOnlineUnsupported(dialect: Dialect, what: string): void {
  if (dialect.capabilities.onlineMigrations) return;
  throw new SluiceError(
    'online-unsupported',
    `${what} needs the online (zero-downtime) engine, which runs on PostgreSQL only; this target speaks ${dialect.name}. Nothing was applied.`,
    {
      details: {
        hint: 'Remove `online: true` to apply it as an ordinary migration, or run it against PostgreSQL.',
      },
    },
  );
}

/** Refuses (exit 2) an online migration whose operations cannot run online, before anything runs. */
export async function validateOnline(definition: MigrationDefinition, file: MigrationFile): Promise<void> {
  const online = await import('../online/index.js');
  online.validateOnlineMigration(definition, file.path);
}

function context(env: OnlineEnv, file: { version: string; name: string }, definition: MigrationDefinition) {
  return {
    conn: env.conn,
    version: file.version,
    name: file.name,
    definition,
    lockTimeoutMs: env.lockTimeoutMs,
    lockRetries: env.lockRetries,
    lockRetryBudgetMs: env.lockRetryBudgetMs,
    signal: env.signal,
    onEvent: (e: { type: string; message: string; progress?: unknown }) =>
      env.onEvent(
        e.progress
          ? { type: 'progress', message: e.message, progress: e.progress }
          : { type: 'note', message: e.message },
      ),
  };
}

/**
 * Expands an online migration (resuming where a crashed run stopped) and records it as `active`.
 *
 * @example
 * await startUnit(env, file, definition);
 */
export async function startUnit(
  env: OnlineEnv,
  file: MigrationFile,
  definition: MigrationDefinition,
): Promise<void> {
  const online = await import('../online/index.js');
  await online.startOnline(context(env, file, definition));
  const { version, name, kind, checksum } = file;
  await run(
    env.conn,
    env.dialect,
    env.history.upsert({ version, name, kind, checksum, status: 'active', durationMs: 0, class: 'online' }),
  );
  env.onEvent({
    type: 'note',
    message: `${file.path} is expanded: old and new application versions both work now. New version schema: ${online.versionSchemaName(version, name)}. Run \`sluice complete\` when every application uses it, or \`sluice abort\`.`,
  });
}

/**
 * What `startUnit` (then `complete` or `abort`) would send, recorded by the same phases without
 * changing anything; `env.conn` is read-only meanwhile. Refuses where `up` would.
 *
 * @example
 * const preview = await previewUnit(env, file, definition, 15);
 */
export async function previewUnit(
  env: OnlineEnv,
  file: MigrationFile,
  definition: MigrationDefinition,
  pgVersion: number,
): Promise<import('../online/index.js').OnlinePreview> {
  const online = await import('../online/index.js');
  return online.previewOnline(context(env, file, definition), pgVersion);
}

async function definitionOf(
  status: Status,
  version: string,
): Promise<{ file: MigrationFile; definition: MigrationDefinition }> {
  const entry = status.entries.find((e) => e.version === version);
  if (!entry?.file) {
    throw new UsageError(`The online migration ${version} has no file any more.`, {
      hint: 'Restore the migration file: complete and abort need its operations.',
    });
  }
  const loaded = await loadMigration(entry.file);
  if (!loaded.definition || !isOnline(loaded.definition)) {
    throw new UsageError(`${entry.file.path} is not an online migration.`);
  }
  return { file: entry.file, definition: loaded.definition };
}

/** The online migration that `complete` or `abort` acts on: the active one, or one a crash left half-expanded. */
async function target(
  env: OnlineEnv,
  status: Status,
  phaseFilter: (phase: string) => boolean,
): Promise<string | null> {
  const online = await import('../online/index.js');
  const active = status.entries.find((e) => e.state === 'active');
  if (active) return active.version;
  const states = (await online.activeOnlineMigrations(env.conn)).filter((s) => phaseFilter(s.phase));
  return states[0]?.version ?? null;
}

/**
 * Contracts the active online migration and records it as applied.
 *
 * @example
 * await completeActive(env, status, { dropOld: false });
 */
export async function completeActive(
  env: OnlineEnv,
  status: Status,
  options: { dropOld?: boolean } = {},
): Promise<string | null> {
  const version = await target(env, status, (p) => p === 'swapped');
  if (version === null) return null;
  const online = await import('../online/index.js');
  const { file, definition } = await definitionOf(status, version);
  await online.completeOnline({ ...context(env, file, definition), dropOld: options.dropOld });
  const { name, kind, checksum } = file;
  await run(
    env.conn,
    env.dialect,
    env.history.upsert({ version, name, kind, checksum, status: 'applied', durationMs: 0, class: 'online' }),
  );
  return version;
}

/**
 * Rolls the active (or half-expanded) online migration back and forgets it in history. Idempotent.
 *
 * @example
 * await abortActive(env, status);
 */
export async function abortActive(env: OnlineEnv, status: Status): Promise<string | null> {
  const version = await target(env, status, () => true);
  if (version === null) return null;
  const online = await import('../online/index.js');
  const { file, definition } = await definitionOf(status, version);
  await online.abortOnline(context(env, file, definition));
  await run(env.conn, env.dialect, env.history.remove(version));
  return version;
}
