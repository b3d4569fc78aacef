/**
 * Other migration tools' history tables: which are in the database (one catalog read of their
 * known names on the search path, through the dialect's catalog), what each says was applied, and
 * which migration files that is.
 */
import type { Connection, Dialect } from '../dialects/dialect.js';
import { RefusedError } from '../errors.js';
import { compareVersions } from '../migrations/source.js';
import type { MigrationFile } from '../migrations/types.js';
import { ident, type SqlFragment, sql } from '../sql/tag.js';
import { run } from './history.js';

/** The tools whose history `sluice import --from` takes over. */
export const FOREIGN_TOOLS = ['dbmate', 'node-pg-migrate', 'knex', 'prisma', 'flyway', 'alembic'] as const;

/** A tool whose history sluice recognises. */
export type ForeignTool = (typeof FOREIGN_TOOLS)[number];

/** One row of another tool's history, reduced to what names a migration. */
export interface ForeignRecord {
  /** As the tool stored it: a version, a file or folder name, or a revision. */
  ref: string;
  /** Everything up to this migration counts as applied (Alembic's head, a Flyway baseline). */
  upTo: boolean;
}

/** Another tool's history table found in the database, with its rows. */
export interface ForeignHistory {
  tool: ForeignTool;
  schema: string;
  table: string;
  records: ForeignRecord[];
}

interface ToolSpec {
  table: string;
  /** Columns the table must have to be this tool's (golang-migrate's `schema_migrations` is not dbmate's). */
  columns: string[];
  notColumns?: string[];
  /** How a record names a file: its version, its `<version>_<name>` (extension optional), or a revision. */
  match: 'version' | 'name' | 'revision';
  read(table: SqlFragment): SqlFragment;
}

const TOOLS: Record<ForeignTool, ToolSpec> = {
  dbmate: {
    table: 'schema_migrations',
    columns: ['version'],
    notColumns: ['dirty'],
    match: 'version',
    read: (t) => sql`SELECT version::text AS ref, false AS up_to FROM ${t}`,
  },
  'node-pg-migrate': {
    table: 'pgmigrations',
    columns: ['name', 'run_on'],
    match: 'name',
    read: (t) => sql`SELECT name AS ref, false AS up_to FROM ${t}`,
  },
  knex: {
    table: 'knex_migrations',
    columns: ['name', 'batch'],
    match: 'name',
    read: (t) => sql`SELECT name AS ref, false AS up_to FROM ${t}`,
  },
  prisma: {
    table: '_prisma_migrations',
    columns: ['migration_name', 'finished_at', 'rolled_back_at'],
    match: 'name',
    read: (t) =>
      sql`SELECT migration_name AS ref, false AS up_to FROM ${t} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  },
  flyway: {
    table: 'flyway_schema_history',
    columns: ['version', 'type', 'success'],
    match: 'version',
    // Repeatable migrations have no version; the schema-creation marker names no migration.
    read: (t) =>
      sql`SELECT version AS ref, type = 'BASELINE' AS up_to FROM ${t} WHERE success AND version IS NOT NULL AND type <> 'SCHEMA'`,
  },
  alembic: {
    table: 'alembic_version',
    columns: ['version_num'],
    match: 'revision',
    read: (t) => sql`SELECT version_num AS ref, true AS up_to FROM ${t}`,
  },
};

/**
 * True for a tool name `sluice import --from` accepts.
 *
 * @example
 * isForeignTool('knex') // true
 */
export function isForeignTool(name: string): name is ForeignTool {
  return (FOREIGN_TOOLS as readonly string[]).includes(name);
}

/** The table a tool keeps its history in. */
export function foreignTable(tool: ForeignTool): string {
  return TOOLS[tool].table;
}

/**
 * The other tools' history tables visible on the search path (the first of a name, as the tool
 * itself resolves it), with their rows. `own` is sluice's history table, never taken for another's.
 *
 * @example
 * const found = await detectForeignHistories(conn, postgresDialect, { schema: 'public', table: 'sluice_migrations' });
 */
export async function detectForeignHistories(
  conn: Connection,
  dialect: Dialect,
  own: { schema: string; table: string },
): Promise<ForeignHistory[]> {
  const catalog = await dialect.catalog();
  const tables = await catalog.tablesOnSearchPath(
    conn,
    FOREIGN_TOOLS.map((tool) => TOOLS[tool].table),
  );
  const found: ForeignHistory[] = [];
  for (const tool of FOREIGN_TOOLS) {
    const spec = TOOLS[tool];
    const hit = tables.find((table) => table.name === spec.table);
    if (!hit || (hit.schema === own.schema && hit.name === own.table)) continue;
    if (!spec.columns.every((column) => hit.columns.includes(column))) continue;
    if (spec.notColumns?.some((column) => hit.columns.includes(column))) continue;
    const rows = await run<{ ref: string; up_to: boolean }>(
      conn,
      dialect,
      spec.read(ident(hit.schema, hit.name)),
    );
    const records = [...new Map(rows.map((row) => [row.ref, { ref: row.ref, upTo: row.up_to }])).values()];
    found.push({ tool, schema: hit.schema, table: hit.name, records });
  }
  return found;
}

function matches(spec: ToolSpec, ref: string, file: MigrationFile): boolean {
  if (spec.match === 'version') return /^\d+$/.test(ref) && compareVersions(ref, file.version) === 0;
  if (spec.match === 'name') {
    return ref.replace(/\.(?:[cm]?[jt]s|sql|coffee)$/, '') === `${file.version}_${file.name}`;
  }
  return file.version === ref || file.name === ref || file.name.startsWith(`${ref}_`);
}

/** The files another tool's history says were applied, and the records that name no file. */
export interface ForeignMapping {
  files: MigrationFile[];
  unmatched: string[];
}

/**
 * Maps another tool's records to migration files (sorted by version). Pure. An Alembic head that
 * names no file, or several heads, is refused: sluice cannot tell what was applied.
 *
 * @example
 * mapForeignHistory('dbmate', [{ ref: '20240101120000', upTo: false }], files).files.map((f) => f.version)
 */
export function mapForeignHistory(
  tool: ForeignTool,
  records: readonly ForeignRecord[],
  files: readonly MigrationFile[],
): ForeignMapping {
  const spec = TOOLS[tool];
  if (spec.match === 'revision' && records.length > 1) {
    throw new RefusedError(
      'import-unmapped',
      `${spec.table} has ${records.length} heads (${records.map((r) => r.ref).join(', ')}): sluice cannot tell which migrations each branch applied.`,
      {
        tool,
        hint: 'Merge the branches (`alembic merge heads`, then `alembic upgrade head`) and import again, or mark the schema with `sluice baseline <version>`.',
      },
    );
  }
  const chosen = new Set<MigrationFile>();
  const unmatched: string[] = [];
  for (const record of records) {
    const hit = files.find((f) => matches(spec, record.ref, f));
    if (!hit && spec.match === 'revision') {
      throw new RefusedError(
        'import-unmapped',
        `${tool}'s head revision ${record.ref} matches no migration file, so sluice cannot tell what was applied.`,
        {
          tool,
          hint: `Name the migration file that does what revision ${record.ref} did <version>_${record.ref}_<name>.sql (e.g. 20240101120000_${record.ref}_add_users.sql), or mark the schema with \`sluice baseline <version>\`.`,
        },
      );
    }
    if (!hit) {
      unmatched.push(record.ref);
      continue;
    }
    chosen.add(hit);
    if (record.upTo)
      for (const file of files) if (compareVersions(file.version, hit.version) <= 0) chosen.add(file);
  }
  return { files: [...chosen].sort((a, b) => compareVersions(a.version, b.version)), unmatched };
}

/**
 * The refusal of `up` on a database whose migrations another tool applied and sluice has no
 * history of: running them again would fail (`42P07 already exists`) or, worse, succeed twice.
 */
export function foreignHistoryRefusal(found: readonly ForeignHistory[]): RefusedError {
  const first = found[0]!;
  const names = found.map((h) => `${h.tool} (${h.schema}.${h.table}, ${h.records.length} applied)`);
  return new RefusedError(
    'foreign-history',
    `Refusing to run: this database has the migration history of ${names.join(' and ')}, and sluice has none; up would apply again what ${first.tool} already applied.`,
    {
      tools: found.map((h) => h.tool),
      hint: `Take that history over with \`${found.map((h) => `sluice import --from ${h.tool}`).join('` or `')}\` (marks what it applied as applied), or mark the existing schema as applied with \`sluice baseline <version>\`.`,
    },
  );
}

/**
 * Refuses (exit 3) when sluice's history is empty and another tool's history has rows: `up` would
 * apply again what that tool applied. Costs one catalog read, and only while sluice has no history.
 *
 * @example
 * await refuseForeignHistory(conn, dialect, own, await history.read(conn));
 */
export async function refuseForeignHistory(
  conn: Connection,
  dialect: Dialect,
  own: { schema: string; table: string },
  sluiceRows: readonly unknown[],
): Promise<void> {
  if (sluiceRows.length > 0) return;
  const found = (await detectForeignHistories(conn, dialect, own)).filter((h) => h.records.length > 0);
  if (found.length > 0) throw foreignHistoryRefusal(found);
}
