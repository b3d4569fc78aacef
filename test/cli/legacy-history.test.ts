/**
 * A legacy history applied in one `up`: findings on tables the same run created, or on tables
 * that hold no rows, do not block (and `plan` says why); `lint.startAfter` skips linting of the
 * migrations up to a version; `up`/`plan` know the live column types, as `lint` knows the types
 * earlier files declare. Through the built binary on the real server.
 */
import { describe, expect, it } from 'vitest';
import { json, query, SERVER_TARGETS, SLOW, tables } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';

const up = (sql: string) => `-- migrate:up\n${sql}\n\n-- migrate:down\nSELECT 1;\n`;

describe.each(SERVER_TARGETS)('legacy history on $label', { timeout: SLOW }, ({ create }) => {
  const cli = cliSuite(create);
  const { run } = cli;

  it('findings on tables created earlier in the same run do not block; plan says why', async () => {
    cli.project.write('migrations/1_orders.sql', up('CREATE TABLE orders (id int PRIMARY KEY, total int);'));
    cli.project.write(
      'migrations/2_index.sql',
      up(
        'CREATE INDEX orders_total_idx ON orders (total);\nALTER TABLE orders ALTER COLUMN total TYPE bigint;',
      ),
    );
    const plan = json(await run('plan', '--json'));
    const findings = plan.migrations?.[1]?.findings ?? plan[1]?.findings;
    expect(findings.map((f: any) => [f.rule, f.severity, f.downgraded])).toEqual([
      ['require-concurrent-index-creation', 'warning', 'table created in this run'],
      ['changing-column-type', 'warning', 'table created in this run'],
    ]);
    const applied = await run('up');
    expect(applied.stderr).toContain('(not blocking: table created in this run)');
    expect(applied.code).toBe(0);
    expect(await tables(cli.db.url)).toContain('orders');
  });

  it('a lock finding on an empty table does not block; once the table has a row, it does', async () => {
    await query(cli.db.url, 'CREATE TABLE users (id int PRIMARY KEY, age int)');
    cli.project.write('migrations/1_age.sql', up('ALTER TABLE users ALTER COLUMN age TYPE bigint;'));
    const planText = await run('plan');
    expect(planText.stdout).toContain('(not blocking: table is empty)');
    await query(cli.db.url, 'INSERT INTO users VALUES (1, 30)');
    const refused = await run('up');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('changing-column-type');
    await query(cli.db.url, 'DELETE FROM users');
    expect((await run('up')).code).toBe(0);
    expect(
      await query(
        cli.db.url,
        `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'age'`,
      ),
    ).toEqual([{ t: 'bigint' }]);
  });

  it('an empty table that an earlier migration of the run fills is not empty any more', async () => {
    await query(cli.db.url, 'CREATE TABLE users (id int PRIMARY KEY, age int)');
    cli.project.write('migrations/1_seed.sql', up('INSERT INTO users VALUES (1, 30);'));
    cli.project.write('migrations/2_age.sql', up('ALTER TABLE users ALTER COLUMN age TYPE bigint;'));
    const refused = await run('up');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('2_age.sql:2:41 changing-column-type');
  });

  it('a compatibility finding (dropping a column) blocks even on an empty table', async () => {
    await query(cli.db.url, 'CREATE TABLE users (id int PRIMARY KEY, age int)');
    cli.project.write('migrations/1_drop.sql', up('ALTER TABLE users DROP COLUMN age;'));
    const refused = await run('up');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('ban-drop-column');
  });

  it('lint.startAfter: migrations up to that version are not linted by up; later ones are', async () => {
    await query(cli.db.url, 'CREATE TABLE users (id int PRIMARY KEY, age int, note text)');
    await query(cli.db.url, 'INSERT INTO users VALUES (1, 30, null)');
    cli.project.write('sluice.config.json', JSON.stringify({ lint: { startAfter: '2' } }));
    cli.project.write('migrations/1_a.sql', up('ALTER TABLE users DROP COLUMN age;'));
    cli.project.write('migrations/2_b.sql', up('CREATE INDEX users_note_idx ON users (note);'));
    cli.project.write('migrations/3_c.sql', up('ALTER TABLE users DROP COLUMN note;'));
    const plan = await run('plan');
    expect(plan.stdout).toContain('(not linted: lint.startAfter is 2)');
    const refused = await run('up');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('3_c.sql:2:1 ban-drop-column');
    expect(refused.stderr).not.toContain('1_a.sql');
    expect(refused.stderr).not.toContain('2_b.sql');
    expect((await run('up', '2')).code).toBe(0);
  });

  it('up and plan know the live column type, as lint knows the one an earlier file declares', async () => {
    await query(cli.db.url, 'CREATE TABLE users (id int PRIMARY KEY, name varchar(10))');
    await query(cli.db.url, "INSERT INTO users VALUES (1, 'a')");
    cli.project.write('migrations/1_text.sql', up('ALTER TABLE users ALTER COLUMN name TYPE text;'));
    const plan = json(await run('plan', '--json'));
    expect(JSON.stringify(plan)).not.toContain('changing-column-type');
    expect((await run('up')).code).toBe(0);
    cli.project.write('migrations/2_int.sql', up('ALTER TABLE users ALTER COLUMN id TYPE bigint;'));
    const refused = await run('up');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('Changing the type of users.id from integer to bigint');
    expect(refused.stderr).not.toContain('does not know the current type');
  });
});
