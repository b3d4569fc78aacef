/**
 * `up --dry-run` and `plan` of an online migration show what start, complete and abort will send
 * (expand statements, the backfill batch's shape, locks and their tables), and `up --dry-run`
 * exits as `up` would: for each kind of refusal, the dry run first (it must change nothing), then
 * the real command, and the exit codes compared.
 */
import { describe, expect, it } from 'vitest';
import { json, query, SLOW, statusRows } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { createPgDatabase } from '../helpers/databases.js';

const USERS =
  '-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text, first_name text, last_name text);\n' +
  "INSERT INTO users SELECT g, g || '@x', 'f' || g, 'l' || g FROM generate_series(1, 2000) g;\nANALYZE users;\n\n-- migrate:down\nDROP TABLE users;\n";

const online = (ops: string) =>
  `import { defineMigration } from 'sluice';\nexport default defineMigration({\n  online: true,\n  operations: (op) => [${ops}],\n});\n`;
const FULL_NAME = online(
  `op.addColumn('users', 'full_name', { type: 'text', up: "first_name || ' ' || last_name" })`,
);
const RENAME = online(`op.renameColumn('users', 'email', 'email_address')`);

describe('online previews and dry-run refusals (real server)', { timeout: SLOW }, () => {
  const cli = cliSuite(() => createPgDatabase('cli_preview'), {
    files: { 'migrations/1_users.sql': USERS },
    url: 'flag',
  });
  const { run } = cli;
  const catalog = () =>
    query(
      cli.db.url,
      "SELECT string_agg(x, ',' ORDER BY x) AS x FROM (SELECT nspname AS x FROM pg_namespace WHERE nspname LIKE 'sluice%' UNION ALL SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass AND attnum > 0 UNION ALL SELECT tgname FROM pg_trigger WHERE NOT tgisinternal) s",
    );

  /** Runs `up --dry-run` then `up` with `args`; both must exit `code`, the dry run changing nothing. */
  async function same(code: number, ...args: string[]) {
    const before = await catalog();
    const dry = await run('up', '--dry-run', ...args);
    expect(dry.code, dry.stderr).toBe(code);
    expect(await catalog()).toEqual(before);
    const up = await run('up', ...args);
    expect(up.code, up.stderr).toBe(code);
    return { dry, up };
  }

  it('up --dry-run shows each phase of an online migration, its locks and backfill, and changes nothing', async () => {
    expect((await run('up')).code).toBe(0);
    cli.project.write('migrations/2_full_name.ts', FULL_NAME);
    cli.project.write('migrations/3_later.sql', '-- migrate:up\nCREATE TABLE later (id int);\n');
    const before = await catalog();
    const r = await run('up', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(await catalog()).toEqual(before);
    const out = r.stdout;
    const at = (s: string) => {
      expect(out).toContain(s);
      return out.indexOf(s);
    };
    const order = [
      at('-- ==== start: what `sluice up` runs ===='),
      at('-- expand: temporary columns, constraints, triggers'),
      at(
        '-- locks ACCESS EXCLUSIVE on public.users, held until COMMIT\nLOCK TABLE "public"."users" IN ACCESS EXCLUSIVE MODE;',
      ),
      at('ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "_sluice_full_name" text;'),
      at('-- backfill of public.users: walks public.users by its key (id)'),
      at(
        '-- locks ROW EXCLUSIVE on sluice.backfill_checkpoints, ROW EXCLUSIVE on public.users\nWITH sluice_cp AS (',
      ),
      at('WHERE "public"."users"."id" > :last_id AND "public"."users"."id" <= :hi_id'),
      at('CREATE VIEW "sluice_2_full_name"."users"'),
      at('-- ==== complete: what `sluice complete` runs (contract) ===='),
      at('ALTER TABLE "public"."users" RENAME COLUMN "_sluice_full_name" TO "full_name";'),
      at('-- ==== abort: what `sluice abort` runs instead (rollback) ===='),
      at('ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "_sluice_full_name";'),
      at('-- 1 later migration(s) wait until the online migration is completed'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(out).not.toContain('CREATE TABLE later');

    const j = json<{ dryRun: boolean; migrations: { version: string }[]; sql: string; online: any[] }>(
      await run('up', '--dry-run', '--json'),
    );
    expect(j.migrations.map((m) => m.version)).toEqual(['2']);
    expect(j.sql).toBe(out);
    expect(j.online).toHaveLength(1);
    expect(j.online[0]).toMatchObject({ version: '2', name: 'full_name', schema: 'sluice_2_full_name' });
    expect(j.online[0].statements).toContainEqual(
      expect.objectContaining({
        phase: 'abort',
        sql: 'ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "_sluice_full_name"',
        locks: [{ mode: 'ACCESS EXCLUSIVE', table: 'public.users' }],
        inTransaction: true,
      }),
    );
  });

  it('plan shows an online migration by phase with locks and row estimates, as data with --json', async () => {
    expect((await run('up')).code).toBe(0);
    cli.project.write('migrations/2_full_name.ts', FULL_NAME);
    const r = await run('plan', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [m] = json<{ migrations: any[] }>(r).migrations;
    expect(m).toMatchObject({ version: '2', class: 'online', online: { schema: 'sluice_2_full_name' } });
    const statements: any[] = m.online.statements;
    expect(new Set(statements.map((s) => s.phase))).toEqual(new Set(['start', 'complete', 'abort']));
    expect(statements).toContainEqual(
      expect.objectContaining({
        phase: 'start',
        kind: 'ALTER TABLE',
        sql: 'ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "_sluice_full_name" text',
        locks: [{ mode: 'ACCESS EXCLUSIVE', table: 'public.users', estimatedRows: 2000 }],
        inTransaction: true,
      }),
    );
    const batch = statements.find((s) => s.backfill);
    expect(batch).toMatchObject({
      phase: 'start',
      step: 'backfill',
      backfill: { mode: 'update', table: 'public.users', key: ['id'] },
      inTransaction: false,
    });
    expect(batch.locks).toContainEqual({ mode: 'ROW EXCLUSIVE', table: 'public.users', estimatedRows: 2000 });
    expect(statements.filter((s) => s.phase === 'complete').map((s) => s.sql)).toContain(
      'ALTER TABLE "public"."users" RENAME COLUMN "_sluice_full_name" TO "full_name"',
    );
    const text = await run('plan');
    expect(text.stdout).toContain('2_full_name  online  version schema sluice_2_full_name');
    expect(text.stdout).toContain(
      '  -- locks ACCESS EXCLUSIVE on public.users (~2000 rows), held until COMMIT',
    );
  });

  it('refusal: unsafe lint findings exit 3 on up --dry-run as on up; --allow-unsafe lets both run', async () => {
    expect((await run('up')).code).toBe(0);
    cli.project.write(
      'migrations/2_index.sql',
      '-- migrate:up\nCREATE INDEX users_email ON users (email);\n',
    );
    const { dry } = await same(3);
    expect(dry.stderr).toContain(
      'Nothing was applied. Refusing to apply 2_index: the linter found 1 unsafe statement(s)',
    );
    expect(dry.stdout).toBe('');
    await same(0, '--allow-unsafe');
  });

  it('refusal: another online migration active exits 3 on both', async () => {
    cli.project.write('migrations/2_full_name.ts', FULL_NAME);
    expect((await run('up')).code).toBe(0);
    cli.project.write('migrations/3_rename.ts', RENAME);
    const { dry } = await same(3);
    expect(dry.stderr).toContain('while the online migration 2_full_name is active');
  });

  it('refusal: an online migration in progress that history does not show blocks the next one on both', async () => {
    cli.project.write('migrations/2_full_name.ts', FULL_NAME);
    expect((await run('up')).code).toBe(0);
    // History and sluice's own state disagree (the history row says applied, the migration is active).
    await query(cli.db.url, "UPDATE sluice_migrations SET status = 'applied' WHERE version = '2'");
    cli.project.write('migrations/3_rename.ts', RENAME);
    const { dry } = await same(3);
    expect(dry.stderr).toContain('Online migration 2_full_name is active; only one online migration');
  });

  it('refusal: drift exits 3 on both', async () => {
    expect((await run('up')).code).toBe(0);
    cli.project.write('migrations/1_users.sql', USERS.replace('last_name text', 'last_name text, note text'));
    cli.project.write('migrations/2_full_name.ts', FULL_NAME);
    expect((await same(3)).dry.stderr).toContain('changed after they were applied: 1_users');
  });

  it('refusal: out of order exits 3 on both, and --allow-out-of-order lets both run', async () => {
    cli.project.write('migrations/5_later.sql', '-- migrate:up\nCREATE TABLE later (id int);\n');
    expect((await run('up')).code).toBe(0);
    cli.project.write('migrations/2_full_name.ts', FULL_NAME);
    expect((await same(3)).dry.stderr).toContain('older than the newest applied migration 5');
    await same(0, '--allow-out-of-order');
    expect(statusRows((await run('status')).stdout)).toContain('active 2 full_name');
  });

  it('an expression that fails against the real table fails both with the same exit code', async () => {
    expect((await run('up')).code).toBe(0);
    cli.project.write(
      'migrations/2_bad.ts',
      online(`op.addColumn('users', 'x', { type: 'text', up: 'no_such_column' })`),
    );
    const { dry, up } = await same(2);
    expect(dry.stderr).toContain('no_such_column');
    expect(up.stderr).toContain('no_such_column');
  });
});
