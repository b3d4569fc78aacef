/**
 * The whole life of a project through the built binary, on the real server and on PGlite:
 * init → new → up → status → history → dry runs → down -1 → down base → baseline → status.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_TARGETS, json, query, SLOW, statusRows, tables } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';

const ADD_TAGS = `-- migrate:up
CREATE TABLE tags (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL
);
INSERT INTO tags (name) VALUES ('b'), ('a');

-- migrate:down
DROP TABLE tags;
`;

const SEED_NOTES = `import { defineMigration } from 'sluice';

export default defineMigration({
  async up(db) {
    await db.sql\`INSERT INTO \${db.ident('notes')} (body) VALUES (\${"it's"})\`;
  },
  async down(db) {
    await db.sql\`DELETE FROM \${db.ident('notes')} WHERE body = \${"it's"}\`;
  },
});
`;

describe.each(CLI_TARGETS)('CLI lifecycle on $label', { timeout: SLOW }, ({ create }) => {
  const cli = cliSuite(create, { per: 'suite' });
  const { run } = cli;
  // Versions are made by `init` and `new` from the clock: [create_notes, add_tags, seed_notes].
  const v: string[] = [];

  const statusJson = async () => {
    const r = await run('status', '--json');
    expect(r.code).toBe(0);
    return json<{ current: string | null; migrations: { version: string; name: string; state: string }[] }>(
      r,
    );
  };
  const states = async () => (await statusJson()).migrations.map((m) => `${m.name}:${m.state}`);

  it('init creates a config, the migrations directory and an example migration', async () => {
    const r = await run('init');
    expect(r.code).toBe(0);
    const created = /^created (migrations\/(\d{14})_create_notes\.sql)$/m.exec(r.stdout);
    expect(created).not.toBeNull();
    v.push(created![2]!);
    expect(r.stdout).toBe(
      `created sluice.config.ts\ncreated migrations\ncreated ${created![1]}\n` +
        'Next: `sluice up` applies the example migration to embedded PGlite; `sluice status` shows it.\n',
    );
    expect(readFileSync(join(cli.project.dir, 'sluice.config.ts'), 'utf8')).toContain("from 'sluice'");

    const again = await run('init', '--json');
    expect(again.code).toBe(0);
    expect(json(again)).toEqual({ created: [], skipped: ['sluice.config.ts', 'migrations'] });
  });

  it('new prints the path of a new SQL or TypeScript migration', async () => {
    const sqlNew = await run('new', 'Add tags', '--sql');
    expect(sqlNew.code).toBe(0);
    expect(sqlNew.stdout).toMatch(/^migrations\/\d{14}_add_tags\.sql\n$/);
    const sqlPath = sqlNew.stdout.trim();
    expect(readFileSync(join(cli.project.dir, sqlPath), 'utf8')).toBe(
      '-- migrate:up\n\n\n-- migrate:down\n\n',
    );

    const tsNew = await run('new', 'seed_notes', '--ts', '--json');
    expect(tsNew.code).toBe(0);
    const tsPath = json<{ path: string }>(tsNew).path;
    expect(tsPath).toMatch(/^migrations\/\d{14}_seed_notes\.ts$/);
    expect(readFileSync(join(cli.project.dir, tsPath), 'utf8')).toContain('export default defineMigration({');

    v.push(sqlPath.slice('migrations/'.length, 'migrations/'.length + 14));
    v.push(tsPath.slice('migrations/'.length, 'migrations/'.length + 14));
    expect([...v].sort()).toEqual(v);
    expect(new Set(v).size).toBe(3);
    writeFileSync(join(cli.project.dir, sqlPath), ADD_TAGS);
    writeFileSync(join(cli.project.dir, tsPath), SEED_NOTES);
  });

  it('up applies every pending migration', async () => {
    const r = await run('up');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Applied 3 migration(s).\n');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('applied '))).toEqual([
      expect.stringMatching(new RegExp(`^applied  ${v[0]}_create_notes \\(.+\\)$`)),
      expect.stringMatching(new RegExp(`^applied  ${v[1]}_add_tags \\(.+\\)$`)),
      expect.stringMatching(new RegExp(`^applied  ${v[2]}_seed_notes \\(.+\\)$`)),
    ]);
    expect(await query(cli.db.url, 'SELECT body FROM notes')).toEqual([{ body: "it's" }]);
    expect(await tables(cli.db.url)).toEqual(['notes', 'sluice_migrations', 'tags']);

    const again = await run('up', '--json');
    expect(again.code).toBe(0);
    expect(json(again)).toEqual({ applied: [] });
  });

  it('status shows every migration, human and --json', async () => {
    const r = await run('status');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([`Database: ${cli.db.url}`, `Current:  ${v[2]}`, '']);
    expect(lines.slice(-3)).toEqual(['', '3 migration(s), 0 pending.', '']);
    expect(statusRows(r.stdout)).toEqual([
      `applied ${v[0]} create_notes`,
      `applied ${v[1]} add_tags`,
      `applied ${v[2]} seed_notes`,
    ]);
    expect(lines).toHaveLength(9);
    expect(r.stderr).toBe('');

    const s = await statusJson();
    expect(Object.keys(s)).toEqual(['current', 'migrations']);
    expect(s).toEqual({
      current: v[2],
      migrations: [
        ['create_notes', 'sql'],
        ['add_tags', 'sql'],
        ['seed_notes', 'ts'],
      ].map(([name, ext], i) =>
        expect.objectContaining({
          version: v[i],
          name,
          state: 'applied',
          file: `migrations/${v[i]}_${name}.${ext}`,
          appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        }),
      ),
    });
  });

  it('history lists applied migrations, human and --json', async () => {
    const r = await run('history', '--json');
    expect(r.code).toBe(0);
    const rows = json<Record<string, unknown>[]>(r);
    expect(rows).toEqual(
      ['create_notes', 'add_tags', 'seed_notes'].map((name, i) => ({
        version: v[i],
        name,
        status: 'applied',
        appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        durationMs: expect.any(Number),
        appliedBy: expect.stringMatching(/.@./),
      })),
    );
    const human = await run('history');
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(`^${v[1]}  add_tags +\\d{4}-\\d\\d-\\d\\dT\\S+ +\\S+ m?s  \\S+@\\S+$`),
    );
  });

  it('down -1 --dry-run prints the down SQL with its transaction and changes nothing', async () => {
    const r = await run('down', '-1', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `-- migrations/${v[2]}_seed_notes.ts (down)`,
        'BEGIN;',
        "SET LOCAL lock_timeout = '250ms';",
        "SET LOCAL statement_timeout = '0ms';",
        // The revert is claimed first: the DELETE fails (division by zero) when another run got there.
        `WITH gone AS (DELETE FROM "public"."sluice_migrations" WHERE version = '${v[2]}' RETURNING 1)`,
        'SELECT 1 / count(*)::int AS claimed FROM gone;',
        `DELETE FROM "notes" WHERE body = 'it''s';`,
        'COMMIT;',
        '',
      ].join('\n'),
    );
    expect(await states()).toEqual(['create_notes:applied', 'add_tags:applied', 'seed_notes:applied']);
    expect(await query(cli.db.url, 'SELECT body FROM notes')).toEqual([{ body: "it's" }]);
  });

  it('down -1 --yes reverts the newest migration', async () => {
    const r = await run('down', '-1', '--yes');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Reverted 1 migration(s).\n');
    expect(r.stderr).toMatch(
      new RegExp(
        `^Will revert 1 migration\\(s\\), newest first:\\n  ${v[2]}_seed_notes\\nreverted ${v[2]}_seed_notes `,
      ),
    );
    expect(await states()).toEqual(['create_notes:applied', 'add_tags:applied', 'seed_notes:pending']);
    expect(await query(cli.db.url, 'SELECT body FROM notes')).toEqual([]);
  });

  it('up --dry-run prints the up SQL with its transaction and changes nothing', async () => {
    const r = await run('up', '--dry-run', '--json');
    expect(r.code).toBe(0);
    const out = json<{ dryRun: boolean; migrations: { version: string }[]; sql: string }>(r);
    expect(out.dryRun).toBe(true);
    expect(out.migrations.map((m) => m.version)).toEqual([v[2]]);
    const lines = out.sql.trimEnd().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      `-- migrations/${v[2]}_seed_notes.ts (up)`,
      'BEGIN;',
      "SET LOCAL lock_timeout = '250ms';",
      "SET LOCAL statement_timeout = '0ms';",
      // The version is claimed first, with a plain INSERT: a second apply fails here.
      'INSERT INTO "public"."sluice_migrations"',
    ]);
    expect(out.sql).toContain(`VALUES ('${v[2]}', 'seed_notes', 'ts', '`);
    const claim = out.sql.indexOf('INSERT INTO "public"."sluice_migrations"');
    const body = out.sql.indexOf(`INSERT INTO "notes" (body) VALUES ('it''s');`);
    const finish = out.sql.indexOf(`UPDATE "public"."sluice_migrations" SET status = 'applied'`);
    expect(claim).toBeLessThan(body);
    expect(body).toBeLessThan(finish);
    expect(lines[lines.length - 1]).toBe('COMMIT;');
    expect(lines.filter((l) => l === 'BEGIN;' || l === 'COMMIT;')).toEqual(['BEGIN;', 'COMMIT;']);

    const human = await run('up', '--dry-run');
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(`${out.sql.trimEnd()}\n`);
    expect(await states()).toEqual(['create_notes:applied', 'add_tags:applied', 'seed_notes:pending']);
    expect(await query(cli.db.url, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 0 }]);
  });

  it('down base --yes reverts everything', async () => {
    const r = await run('down', 'base', '--yes', '--json');
    expect(r.code).toBe(0);
    expect(json(r)).toEqual({
      reverted: [
        { version: v[1], name: 'add_tags', durationMs: expect.any(Number) },
        { version: v[0], name: 'create_notes', durationMs: expect.any(Number) },
      ],
    });
    expect(await statusJson()).toMatchObject({
      current: null,
      migrations: [{ state: 'pending' }, { state: 'pending' }, { state: 'pending' }],
    });
    expect(await tables(cli.db.url)).toEqual(['sluice_migrations']);

    const nothing = await run('down', '--yes');
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toBe('Nothing to roll back.\n');
  });

  it('baseline marks migrations as applied without running them', async () => {
    const r = await run('baseline', v[1]!);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Marked 2 migration(s) as applied, up to ${v[1]}.\n`);
    expect(await tables(cli.db.url)).toEqual(['sluice_migrations']);

    const s = await run('status');
    expect(s.code).toBe(0);
    expect(s.stdout.split('\n').slice(0, 2)).toEqual([`Database: ${cli.db.url}`, `Current:  ${v[1]}`]);
    expect(statusRows(s.stdout)).toEqual([
      `applied ${v[0]} create_notes`,
      `applied ${v[1]} add_tags`,
      `pending ${v[2]} seed_notes`,
    ]);
    expect(s.stdout).toMatch(/\n3 migration\(s\), 1 pending\.\n$/);
    const h = await run('history', '--json');
    expect(json<{ version: string; durationMs: number }[]>(h).map((x) => [x.version, x.durationMs])).toEqual([
      [v[0], 0],
      [v[1], 0],
    ]);
  });
});
