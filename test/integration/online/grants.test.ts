/**
 * Applications usually run as a role that does not own the tables. The objects sluice creates for
 * them (version-schema views, the schemas themselves, a replaceTable's new table) carry the grants
 * of the table they stand for, table-wide and per column, and nothing more.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { PG_ADMIN_URL } from '../../helpers/databases.js';
import { completeOnline, type Harness, harness, startOnline, versionSchemaName } from './harness.js';

let h: Harness | undefined;
const roles: string[] = [];
const clients: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  await h?.close();
  h = undefined;
  // Roles are cluster-wide: drop them once the database holding their grants is gone.
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  for (const r of roles.splice(0)) await admin.query(`DROP ROLE IF EXISTS "${r}"`);
  await admin.end();
});

/** A login role with a unique name (roles outlive the test database). */
async function role(x: Harness, label: string): Promise<string> {
  const name = `sluice_${label}_${randomBytes(4).toString('hex')}`;
  await x.admin.query(`CREATE ROLE "${name}" LOGIN`);
  roles.push(name);
  return name;
}

/** A session as `user`, its search_path starting with `schema` (or the default path). */
async function as(x: Harness, user: string, schema?: string): Promise<pg.Client> {
  const url = new URL(x.db.url);
  url.username = user;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  clients.push(c);
  if (schema) await c.query(`SET search_path TO "${schema}", public`);
  return c;
}

/** The SQLSTATE a statement fails with, or 'ok'. */
async function outcome(c: pg.Client, text: string): Promise<string> {
  try {
    await c.query(text);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

test('version-schema views carry the table grants and the column grants, under the version names', async () => {
  const x = await harness();
  h = x;
  const app = await role(x, 'app');
  const reader = await role(x, 'reader');
  const stranger = await role(x, 'stranger');
  const editor = await role(x, 'editor');
  await x.admin.query(`CREATE TABLE users (id int PRIMARY KEY, email text, note text)`);
  await x.admin.query(`INSERT INTO users VALUES (1, 'a@x', 'n1')`);
  await x.admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON users TO "${app}"`);
  await x.admin.query(`GRANT SELECT (id, email) ON users TO "${reader}"`);
  // Table-wide and column grants together: the column list must stay on its own privilege.
  await x.admin.query(`GRANT SELECT ON users TO "${editor}"`);
  await x.admin.query(`GRANT UPDATE (email) ON users TO "${editor}"`);
  const version = '20241101000000';
  const schema = versionSchemaName(version, 'rename_email');
  await startOnline(
    x.ctx(version, 'rename_email', (op) => [op.renameColumn('users', 'email', 'email_address')]),
  );

  // The new version, as the application's role: every kind of write, through the view.
  const fresh = await as(x, app, schema);
  await fresh.query(`INSERT INTO users (id, email_address, note) VALUES (2, 'b@x', 'n2')`);
  await fresh.query(`UPDATE users SET email_address = 'c@x' WHERE id = 1`);
  await fresh.query(`DELETE FROM users WHERE id = 2`);
  expect((await fresh.query(`SELECT id, email_address FROM users ORDER BY id`)).rows).toEqual([
    { id: 1, email_address: 'c@x' },
  ]);
  // The old version, through its own version schema.
  const old = await as(x, app, 'sluice_base');
  await old.query(`INSERT INTO users (id, email, note) VALUES (3, 'd@x', 'n3')`);
  expect((await old.query(`SELECT email FROM users WHERE id = 3`)).rows).toEqual([{ email: 'd@x' }]);

  // Column grants follow the rename, and only what was granted. (Reading through the view still
  // needs SELECT on every column the view reads: security_invoker views check the table as a whole.)
  const column = async (col: string, priv: string) =>
    (
      await x.admin.query(`SELECT has_column_privilege($1, $2, $3, $4) AS ok`, [
        reader,
        `"${schema}".users`,
        col,
        priv,
      ])
    ).rows[0].ok;
  expect(await column('id', 'SELECT')).toBe(true);
  expect(await column('email_address', 'SELECT')).toBe(true);
  expect(await column('note', 'SELECT')).toBe(false);
  expect(await column('email_address', 'UPDATE')).toBe(false);
  const e = await as(x, editor, schema);
  await e.query(`UPDATE users SET email_address = 'e@x' WHERE id = 1`);
  expect((await e.query(`SELECT email_address, note FROM users WHERE id = 1`)).rows).toEqual([
    { email_address: 'e@x', note: 'n1' },
  ]);
  expect(await outcome(e, `UPDATE users SET note = 'x' WHERE id = 1`)).toBe('42501');
  expect(await outcome(e, `DELETE FROM users WHERE id = 1`)).toBe('42501');
  // A role the table grants nothing to gets nothing from the version schema either.
  const s = await as(x, stranger, schema);
  expect(await outcome(s, `SELECT id FROM users`)).toBe('42501');
});

test('replaceTable: the application role writes the old table during the copy and the new one after the swap', async () => {
  const x = await harness();
  h = x;
  const app = await role(x, 'app');
  const reader = await role(x, 'reader');
  await x.admin.query(`CREATE TABLE users (id serial PRIMARY KEY, first_name text, last_name text)`);
  await x.admin.query(`GRANT SELECT (id) ON users TO "${reader}"`);
  await x.admin.query(`INSERT INTO users (first_name, last_name) VALUES ('Ada', 'Lovelace')`);
  await x.admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON users TO "${app}"`);
  await x.admin.query(`GRANT USAGE ON SEQUENCE users_id_seq TO "${app}"`);
  const version = '20241102000000';
  const ctx = x.ctx(version, 'full_name', (op) => [
    op.replaceTable('users', {
      columns: [
        { name: 'id', type: 'integer', nullable: false },
        { name: 'full_name', type: 'text' },
      ],
      primaryKey: ['id'],
      copy: { full_name: "first_name || ' ' || last_name" },
      reverse: { first_name: "split_part(full_name, ' ', 1)", last_name: "split_part(full_name, ' ', 2)" },
    }),
  ]);
  await startOnline(ctx);

  // Old version on the plain table: its writes are synced into the new table as this role.
  const old = await as(x, app);
  await old.query(`INSERT INTO users (first_name, last_name) VALUES ('Alan', 'Turing')`);
  await old.query(`UPDATE users SET last_name = 'King' WHERE first_name = 'Ada'`);
  // New version, through its view of the new table.
  const fresh = await as(x, app, versionSchemaName(version, 'full_name'));
  await fresh.query(`UPDATE users SET full_name = 'Grace Hopper' WHERE id = 1`);

  await completeOnline(ctx);
  // After the swap the plain table is the new one: the same role still reads and writes it.
  const after = await as(x, app);
  await after.query(`INSERT INTO users (full_name) VALUES ('Edsger Dijkstra')`);
  expect(
    (await after.query(`SELECT full_name FROM users ORDER BY id`)).rows.map((row) => row.full_name),
  ).toEqual(['Grace Hopper', 'Alan Turing', 'Edsger Dijkstra']);
  expect(await outcome(after, `TRUNCATE users`)).toBe('42501');
  // A column grant is kept on the column of the same name; a new column has none.
  const r = await as(x, reader);
  expect((await r.query(`SELECT id FROM users ORDER BY id`)).rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  expect(await outcome(r, `SELECT full_name FROM users`)).toBe('42501');
});
