/**
 * Commands that are thin layers over library methods, through the built binary on the real server:
 * `backfill status|resume` (Migrator.pendingBackfills/resumeBackfills, progress as runner events),
 * `schema <version>`, and `status` saying why pending migrations have no class instead of
 * swallowing the reason.
 */
import { describe, expect, it } from 'vitest';
import type { BackfillSpec } from '../../src/online/backfill/index.js';
import { runBackfill } from '../../src/online/backfill/index.js';
import { createMigrator } from '../../src/runner/migrator.js';
import { json, query, SERVER_TARGETS, SLOW, statusRows, tableMigration } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';

const SPEC: BackfillSpec = {
  id: 'thin:items',
  mode: 'update',
  table: { schema: 'public', name: 'items' },
  set: { done: 'true' },
};

/** Starts a backfill through the library and aborts it before its first batch: a checkpoint is left. */
async function leaveUnfinishedBackfill(url: string): Promise<void> {
  const m = await createMigrator({ config: { database: url } });
  try {
    const aborted = AbortSignal.abort(new Error('stopped by the test'));
    await expect(m.session((conn) => runBackfill(conn, SPEC, { signal: aborted }))).rejects.toMatchObject({
      code: 'backfill-aborted',
    });
  } finally {
    await m.close();
  }
}

describe.each(SERVER_TARGETS)('thin commands on $label', { timeout: SLOW }, ({ create }) => {
  const cli = cliSuite(create);
  const { run } = cli;

  it('backfill status lists an unfinished backfill; resume finishes it, with progress as JSON lines', async () => {
    expect(await run('backfill', 'status')).toMatchObject({ code: 0, stdout: 'No unfinished backfill.\n' });
    await query(
      cli.db.url,
      'CREATE TABLE items (id int PRIMARY KEY, done boolean NOT NULL DEFAULT false); INSERT INTO items (id) SELECT generate_series(1, 500)',
    );
    await leaveUnfinishedBackfill(cli.db.url);

    const listed = await run('backfill', 'status', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(json(listed).backfills).toMatchObject([{ id: 'thin:items', status: 'running', rowsDone: 0 }]);

    const resumed = await run('backfill', 'resume', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(json(resumed)).toMatchObject({ resumed: [{ id: 'thin:items', rows: 500, resumed: true }] });
    const events = resumed.stderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { type: string; progress?: { state: string } });
    expect(events.filter((e) => e.type === 'progress').map((e) => e.progress?.state)).toContain('done');
    expect(await query(cli.db.url, 'SELECT count(*)::int AS n FROM items WHERE done')).toEqual([{ n: 500 }]);

    expect(await run('backfill', 'resume')).toMatchObject({ code: 0, stdout: 'Nothing to resume.\n' });
    expect((await run('backfill', 'resume', '--quiet')).stderr).toBe('');
  });

  it('schema <version> names the version schema of a migration file; an unknown version is exit 2', async () => {
    cli.project.write('migrations/20240101120000_rename_email.sql', tableMigration('one'));
    expect(await run('schema', '20240101120000')).toMatchObject({
      code: 0,
      stdout: 'sluice_20240101120000_rename_email\n',
    });
    const unknown = await run('schema', '20240101120001', '--json');
    expect(unknown.code).toBe(2);
    expect(json(unknown)).toMatchObject({
      error: 'usage',
      message: expect.stringContaining('Unknown version'),
    });
  });

  it('status says why pending migrations have no class (what up would refuse), and still exits 0', async () => {
    cli.project.write('migrations/1_one.sql', tableMigration('one'));
    cli.project.write('migrations/2_broken.ts', "throw new Error('not a migration');\n");
    const broken = await run('status');
    expect(broken.code, broken.stderr).toBe(0);
    expect(statusRows(broken.stdout)).toEqual(['pending 1 one', 'pending 2 broken']);
    expect(broken.stderr).toMatch(
      /^Pending migrations not classified, as `up` would stop on them \[migration-file\]: /m,
    );

    cli.project.write('migrations/2_broken.ts', 'export default { up: async () => {} };\n');
    await query(
      cli.db.url,
      "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES ('1')",
    );
    const foreign = await run('status', '--json');
    expect(foreign.code, foreign.stderr).toBe(0);
    expect(json(foreign).migrations.map((m: { class: unknown }) => m.class)).toEqual([null, null]);
    expect(JSON.parse(foreign.stderr.trim())).toMatchObject({
      type: 'note',
      message: expect.stringContaining('[foreign-history]'),
    });

    await query(cli.db.url, 'DROP TABLE schema_migrations');
    const clean = await run('status', '--json');
    expect(clean).toMatchObject({ code: 0, stderr: '' });
    expect(json(clean).migrations.map((m: { class: unknown }) => m.class)).toEqual(['additive', 'none']);
  });
});
