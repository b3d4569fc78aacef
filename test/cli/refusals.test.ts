/**
 * Refusals for safety (exit 3) through the built binary on the real server (see SERVER_TARGETS): drift,
 * a deleted applied file, out-of-order migrations, an unconfirmed or impossible rollback.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, SERVER_TARGETS, SLOW, statusRows, tableMigration, tables } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';

describe.each(SERVER_TARGETS)('CLI refusals on $label', { timeout: SLOW }, ({ create }) => {
  const cli = cliSuite(create, {
    files: {
      'migrations/1_one.sql': tableMigration('one'),
      'migrations/2_two.sql': tableMigration('two'),
    },
  });
  const { run, states } = cli;

  it('drift: an edited applied file shows drifted, up exits 3, accept then up works', async () => {
    expect(await run('up')).toMatchObject({ code: 0 });
    cli.project.write(
      'migrations/1_one.sql',
      tableMigration('one').replace('PRIMARY KEY', 'PRIMARY KEY, note text'),
    );
    cli.project.write('migrations/3_three.sql', tableMigration('three'));

    const status = await run('status');
    expect(status.code).toBe(0);
    expect(statusRows(status.stdout)).toEqual(['drifted 1 one', 'applied 2 two', 'pending 3 three']);

    const up = await run('up');
    expect(up.code).toBe(3);
    expect(up.stderr).toContain(
      'error Refusing to run: migrations changed after they were applied: 1_one.\n' +
        '  hint: Restore the original files, or, if the change is deliberate, accept it with `sluice accept <version>` (records the new checksum, or forgets a deleted migration).\n',
    );
    const upJson = await run('up', '--json');
    expect(upJson.code).toBe(3);
    expect(json(upJson)).toMatchObject({ error: 'drift', versions: ['1'] });
    expect(await tables(cli.db.url)).toEqual(['one', 'sluice_migrations', 'two']);

    const notDrifted = await run('accept', '2');
    expect(notDrifted.code).toBe(2);
    expect(notDrifted.stderr).toMatch(/^error Nothing to accept for 2: it is applied\.\n/);

    const accept = await run('accept', '1', '--json');
    expect(accept.code).toBe(0);
    expect(json(accept)).toEqual({ version: '1', action: 'checksum-updated' });
    const up2 = await run('up');
    expect(up2.code).toBe(0);
    expect(up2.stdout).toBe('Applied 1 migration(s).\n');
    expect(await states()).toEqual(['1:applied', '2:applied', '3:applied']);
  });

  it('a deleted applied file shows missing, up exits 3, accept forgets it', async () => {
    expect(await run('up')).toMatchObject({ code: 0 });
    rmSync(join(cli.project.dir, 'migrations/2_two.sql'));
    cli.project.write('migrations/3_three.sql', tableMigration('three'));

    const status = await run('status', '--json');
    const s = json(status);
    expect(s).toEqual({
      current: '2',
      migrations: [
        expect.objectContaining({
          version: '1',
          name: 'one',
          state: 'applied',
          file: 'migrations/1_one.sql',
          appliedAt: expect.any(String),
        }),
        expect.objectContaining({
          version: '2',
          name: 'two',
          state: 'missing',
          appliedAt: expect.any(String),
        }),
        expect.objectContaining({
          version: '3',
          name: 'three',
          state: 'pending',
          file: 'migrations/3_three.sql',
        }),
      ],
    });
    expect(s.migrations[1]).not.toHaveProperty('file');
    expect(s.migrations[2]).not.toHaveProperty('appliedAt');
    const up = await run('up');
    expect(up.code).toBe(3);
    expect(up.stderr).toMatch(
      /^error Refusing to run: migrations applied but their files are gone: 2_two\.$/m,
    );
    const down = await run('down', '--yes');
    expect(down.code).toBe(3);
    expect(await tables(cli.db.url)).toEqual(['one', 'sluice_migrations', 'two']);

    const accept = await run('accept', '2');
    expect(accept.code).toBe(0);
    expect(accept.stdout).toBe('Forgot 2: its file was deleted.\n');
    expect(await states()).toEqual(['1:applied', '3:pending']);
  });

  it('out-of-order: exit 3 and nothing applied; --allow-out-of-order applies it', async () => {
    rmSync(join(cli.project.dir, 'migrations/2_two.sql'));
    cli.project.write('migrations/3_three.sql', tableMigration('three'));
    expect(await run('up')).toMatchObject({ code: 0 });
    cli.project.write('migrations/2_two.sql', tableMigration('two'));
    cli.project.write('migrations/4_four.sql', tableMigration('four'));

    const up = await run('up');
    expect(up.code).toBe(3);
    expect(up.stderr).toMatch(
      /^error Refusing to apply 2_two: older than the newest applied migration 3 \(probably from a merged branch\)\.\n {2}hint: .*--allow-out-of-order/m,
    );
    expect(await states()).toEqual(['1:applied', '2:pending', '3:applied', '4:pending']);

    const allowed = await run('up', '--allow-out-of-order');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toBe('Applied 2 migration(s).\n');
    expect(allowed.stderr).toMatch(/^applied {2}2_two .*\napplied {2}4_four /m);
    expect(await tables(cli.db.url)).toEqual(['four', 'one', 'sluice_migrations', 'three', 'two']);
  });

  it('down without --yes off a terminal, or of a migration without a down step: exit 3, nothing reverted', async () => {
    cli.project.write(
      'migrations/3_nodown.sql',
      '-- migrate:up\nCREATE TABLE nodown (id bigint PRIMARY KEY);\n',
    );
    cli.project.write('migrations/4_four.sql', tableMigration('four'));
    expect(await run('up')).toMatchObject({ code: 0 });

    const unconfirmed = await run('down');
    expect(unconfirmed.code).toBe(3);
    expect(unconfirmed.stdout).toBe('');
    expect(unconfirmed.stderr).toBe(
      'Will revert 1 migration(s), newest first:\n  4_four\n' +
        'error Rollback not confirmed: nothing was reverted.\n' +
        '  hint: On a terminal, type the target to confirm; elsewhere pass --yes.\n',
    );
    const unconfirmedJson = await run('down', '-1', '--json');
    expect(unconfirmedJson.code).toBe(3);
    expect(json(unconfirmedJson)).toMatchObject({ error: 'unconfirmed' });

    // 4 has a down step, 3 has not: nothing is reverted, not even 4.
    const irreversible = await run('down', '-2', '--yes');
    expect(irreversible.code).toBe(3);
    expect(irreversible.stderr).toBe(
      'error Cannot roll back: migrations/3_nodown.sql has no down step. Nothing was reverted.\n' +
        '  hint: Add a `-- migrate:down` section (SQL) or a `down` function (TypeScript), or roll back to a later version.\n',
    );
    const dry = await run('down', 'base', '--dry-run');
    expect(dry.code).toBe(3);
    expect(dry.stdout).toBe('');

    expect(await states()).toEqual(['1:applied', '2:applied', '3:applied', '4:applied']);
    expect(await tables(cli.db.url)).toEqual(['four', 'nodown', 'one', 'sluice_migrations', 'two']);
  });
});
