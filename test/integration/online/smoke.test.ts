import { afterAll, beforeAll, expect, test } from 'vitest';
import { completeOnline, type Harness, harness, startOnline } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

test('issue example end to end', async () => {
  await h.admin.query(
    `CREATE TABLE users (id serial PRIMARY KEY, email text, age int, first_name text, last_name text, phone text, legacy_flag boolean NOT NULL DEFAULT true)`,
  );
  await h.admin.query(
    `INSERT INTO users (email, age, first_name, last_name, phone) SELECT 'u'||g||'@x', g, 'F'||g, 'L'||g, CASE WHEN g % 2 = 0 THEN NULL ELSE '555' END FROM generate_series(1, 2500) g`,
  );
  const ctx = h.ctx('20240101000000', 'issue example', (op) => [
    op.renameColumn('users', 'email', 'email_address'),
    op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' }),
    op.addColumn('users', 'full_name', { type: 'text', up: "first_name || ' ' || last_name" }),
    op.alterColumn('users', 'phone', { nullable: false, up: "coalesce(phone, '')" }),
    op.dropColumn('users', 'legacy_flag', { down: 'false' }),
  ]);
  await startOnline(ctx);
  const oldS = await h.session('sluice_base');
  const newS = await h.session('sluice_20240101000000_issue_example');
  const r = await newS.one('SELECT * FROM users WHERE id = 2');
  expect(r).toEqual({
    id: 2,
    email_address: 'u2@x',
    age: '2',
    first_name: 'F2',
    last_name: 'L2',
    phone: '',
    full_name: 'F2 L2',
  });
  await oldS.q(`INSERT INTO users (email, age, first_name, last_name) VALUES ('o@x', 7, 'O', 'P')`);
  expect(
    await newS.one(`SELECT email_address, age, full_name, phone FROM users WHERE email_address = 'o@x'`),
  ).toEqual({ email_address: 'o@x', age: '7', full_name: 'O P', phone: '' });
  await newS.q(
    `INSERT INTO users (email_address, age, first_name, last_name, phone, full_name) VALUES ('n@x', 9, 'N', 'M', '1', 'NM')`,
  );
  expect(await oldS.one(`SELECT email, age, phone, legacy_flag FROM users WHERE email = 'n@x'`)).toEqual({
    email: 'n@x',
    age: 9,
    phone: '1',
    legacy_flag: false,
  });
  await completeOnline(ctx);
  const cols = await h.admin.query(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'users' AND table_schema = 'public' ORDER BY column_name`,
  );
  expect(cols.rows).toMatchInlineSnapshot(`
    [
      {
        "column_name": "age",
        "data_type": "bigint",
        "is_nullable": "YES",
      },
      {
        "column_name": "email_address",
        "data_type": "text",
        "is_nullable": "YES",
      },
      {
        "column_name": "first_name",
        "data_type": "text",
        "is_nullable": "YES",
      },
      {
        "column_name": "full_name",
        "data_type": "text",
        "is_nullable": "YES",
      },
      {
        "column_name": "id",
        "data_type": "integer",
        "is_nullable": "NO",
      },
      {
        "column_name": "last_name",
        "data_type": "text",
        "is_nullable": "YES",
      },
      {
        "column_name": "phone",
        "data_type": "text",
        "is_nullable": "NO",
      },
    ]
  `);
});
