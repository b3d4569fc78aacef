/**
 * The moment the new version schema appears. A write of the new application that resolved its
 * table before the schema existed (so it writes the base table's old columns) but whose row reaches
 * the dual-write triggers after the schema is committed would be taken for the new version by the
 * triggers' `current_schema()` test, and lose the old column (here: NOT NULL violated). `up` holds
 * the written tables in EXCLUSIVE mode while it creates the version schemas, so such a write either
 * finishes before them or waits and resolves its table again. Found by the live-application test
 * under CI load; this test makes the window wide with a slow INSERT.
 */
import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { type Harness, harness, startOnline, versionSchemaName } from './harness.js';

const VERSION = '20250909000001';
const NAME = 'switch';
const NEW_SCHEMA = versionSchemaName(VERSION, NAME);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

test('a new-version write in flight while the version schemas are created keeps both columns right', async () => {
  h = await harness();
  await h.admin.query(
    `CREATE TABLE accounts (id serial PRIMARY KEY, owner text NOT NULL, balance int NOT NULL);
     INSERT INTO accounts (owner, balance) SELECT 'seed' || g, g FROM generate_series(1, 100) g`,
  );
  // The new application, connected before `up` with its version schema first on the search path.
  const app = new pg.Client({ connectionString: h.db.url, options: `-c search_path="${NEW_SCHEMA}",public` });
  app.on('error', () => {});
  await app.connect();
  let insert: Promise<unknown> | undefined;
  const ctx = h.ctx(VERSION, NAME, (op) => [op.alterColumn('accounts', 'balance', { type: 'bigint' })]);
  const onEvent = ctx.onEvent;
  await startOnline({
    ...ctx,
    onEvent: (e) => {
      onEvent?.(e);
      // Right before the version schemas: a slow INSERT whose row is produced a second later
      // (the id default's nextval then takes a lock, and with it the new search path).
      if (e.type === 'step' && e.message.startsWith('version schemas'))
        insert = app.query(
          `INSERT INTO accounts (owner, balance) SELECT 'slow', 42 FROM (SELECT pg_sleep(1)) AS s RETURNING id`,
        );
    },
  });
  expect(insert).toBeDefined();
  const inserted = (await insert!.finally(() => app.end())) as pg.QueryResult<{ id: number }>;
  const row = await h.admin.query(
    'SELECT balance, _sluice_balance::int AS next FROM accounts WHERE id = $1',
    [inserted.rows[0]!.id],
  );
  expect(row.rows).toEqual([{ balance: 42, next: 42 }]);
});
