/**
 * After `complete`, applications stay on the version schema they were deployed with. Its tables have
 * their final names by then, so the schema keeps no views: the names resolve to the tables
 * themselves (next on the search_path), and later regular migrations can add, drop and retype
 * columns, which those applications see at once.
 */
import { afterEach, expect, test } from 'vitest';
import { latestVersionSchema } from '../../../src/online/index.js';
import {
  abortOnline,
  completeOnline,
  type Harness,
  harness,
  startOnline,
  versionSchemaName,
} from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

test('regular migrations after complete change what the version schema shows, and a later online migration builds on it', async () => {
  const x = await harness();
  h = x;
  await x.admin.query(`CREATE TABLE users (id int PRIMARY KEY, email text, note text, age int)`);
  await x.admin.query(`INSERT INTO users VALUES (1, 'a@x', 'n', 30)`);
  const v2 = versionSchemaName('20241201000000', 'rename_email');
  const second = x.ctx('20241201000000', 'rename_email', (op) => [
    op.renameColumn('users', 'email', 'email_address'),
    op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' }),
  ]);
  await startOnline(second);
  await completeOnline(second);
  const app = await x.session(v2);
  expect(await latestVersionSchema(x.conn)).toBe(v2);
  expect((await app.one(`SELECT current_schema() AS s`)).s).toBe(v2);

  // Regular DDL on the columns the migration touched and on others: none is blocked by a view.
  await x.admin.query(`ALTER TABLE users ADD COLUMN tier text NOT NULL DEFAULT 'free'`);
  await x.admin.query(`ALTER TABLE users DROP COLUMN note`);
  await x.admin.query(`ALTER TABLE users ALTER COLUMN email_address TYPE varchar(200)`);
  await x.admin.query(`ALTER TABLE users ALTER COLUMN age TYPE numeric`);
  // The application on the version schema sees the table as it is now.
  await app.q(`INSERT INTO users (id, email_address, age) VALUES (2, 'b@x', 41)`);
  expect(await app.q(`SELECT id, email_address, age::text AS age, tier FROM users ORDER BY id`)).toEqual([
    { id: 1, email_address: 'a@x', age: '30', tier: 'free' },
    { id: 2, email_address: 'b@x', age: '41', tier: 'free' },
  ]);

  // The next online migration takes that schema as its old version.
  const v3 = versionSchemaName('20241202000000', 'rename_tier');
  const third = x.ctx('20241202000000', 'rename_tier', (op) => [op.renameColumn('users', 'tier', 'plan')]);
  await startOnline(third);
  const next = await x.session(v3);
  await app.q(`UPDATE users SET tier = 'pro' WHERE id = 1`);
  expect(await next.q(`SELECT id, plan FROM users ORDER BY id`)).toEqual([
    { id: 1, plan: 'pro' },
    { id: 2, plan: 'free' },
  ]);
  await completeOnline(third);
  expect(await next.q(`SELECT plan FROM users WHERE id = 1`)).toEqual([{ plan: 'pro' }]);
  await x.admin.query(`ALTER TABLE users DROP COLUMN plan`);
  expect(await next.q(`SELECT count(*)::int AS n FROM users`)).toEqual([{ n: 2 }]);
});

test('an aborted online migration leaves the previous version schema as complete left it: without views', async () => {
  const x = await harness();
  h = x;
  await x.admin.query(`CREATE TABLE users (id int PRIMARY KEY, email text, note text)`);
  await x.admin.query(`INSERT INTO users VALUES (1, 'a@x', 'n')`);
  const v2 = versionSchemaName('20241203000000', 'rename_email');
  const second = x.ctx('20241203000000', 'rename_email', (op) => [
    op.renameColumn('users', 'email', 'email_address'),
  ]);
  await startOnline(second);
  await completeOnline(second);
  const views = async () =>
    (await x.admin.query(`SELECT count(*)::int AS n FROM pg_views WHERE schemaname = $1`, [v2])).rows[0].n;
  expect(await views()).toBe(0);

  const third = x.ctx('20241204000000', 'rename_note', (op) => [op.renameColumn('users', 'note', 'remark')]);
  await startOnline(third);
  expect(await views()).toBe(1); // while active, the old version reads through a view
  await abortOnline(third);
  expect(await views()).toBe(0);
  await x.admin.query(`ALTER TABLE users DROP COLUMN note`);
  const app = await x.session(v2);
  expect(await app.q(`SELECT * FROM users`)).toEqual([{ id: 1, email_address: 'a@x' }]);
});
