/**
 * A replaceTable that cannot carry the whole table is refused by `sluice up` before anything runs:
 * exit 2, the object named, no stack trace.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Project, query, SLOW, sluice, statusRows, tempProject } from '../helpers/cli.js';
import { createPgDatabase, type TestDatabase } from '../helpers/databases.js';

let db: TestDatabase;
let project: Project;
beforeEach(async () => {
  db = await createPgDatabase('cli_replace');
  project = tempProject();
});
afterEach(async () => {
  project.remove();
  await db.drop();
});

it('refuses, with exit 2, a replaceTable that would lose an index, naming it', {
  timeout: SLOW,
}, async () => {
  const run = (...args: string[]) => sluice([...args, '--url', db.url], { cwd: project.dir });
  project.write(
    'migrations/1_users.sql',
    '-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text, nick text);\nCREATE INDEX users_nick_idx ON users (nick);\n',
  );
  project.write(
    'migrations/2_drop_nick.ts',
    "import { defineMigration } from 'sluice';\nexport default defineMigration({\n  online: true,\n  operations: (op) => [op.replaceTable('users', { columns: [{ name: 'id', type: 'bigint' }, { name: 'email', type: 'text' }], primaryKey: ['id'] })],\n});\n",
  );
  const r = await run('up');
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(
    'index "users_nick_idx" uses column "nick", which no column of the new table comes from',
  );
  expect(r.stderr).toContain('omit');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(statusRows((await run('status')).stdout)).toEqual(['applied 1 users', 'pending 2 drop_nick']);
  expect(await query(db.url, `SELECT to_regclass('public._sluice_users') AS t`)).toEqual([{ t: null }]);
});
