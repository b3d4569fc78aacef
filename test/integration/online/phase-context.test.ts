/**
 * The phase context's two ways to send a statement: `exec` (inside `batch`, statements without
 * values are queued and sent as one query) and `query` (sends what is queued first, returns rows).
 * Real server; the connection is only counted, not replaced.
 */
import { afterEach, expect, test } from 'vitest';
import type { Connection } from '../../../src/dialects/dialect.js';
import { phaseContext } from '../../../src/online/phases/context.js';
import { PLAN_FORMAT } from '../../../src/online/plan.js';
import type { OnlinePlan } from '../../../src/online/types.js';
import { ident, sql } from '../../../src/sql/tag.js';
import { type Harness, harness } from './harness.js';

let current: Harness | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const PLAN: OnlinePlan = {
  format: PLAN_FORMAT,
  schema: 'public',
  newSchema: 'sluice_1_x',
  oldSchema: 'sluice_base',
  createdOldSchema: true,
  securityInvoker: true,
  tables: [],
  steps: [],
};

/** The harness's connection, with every text it sends recorded. */
function counted(conn: Connection): { conn: Connection; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    conn: {
      query: (text, values) => {
        sent.push(text);
        return conn.query(text, values);
      },
      close: () => conn.close(),
    },
  };
}

test('inside a batch, exec queues statements and query sends them first, then returns its rows', async () => {
  current = await harness();
  const { conn, sent } = counted(current.conn);
  const phase = phaseContext({ conn, lockTimeoutMs: 1000, lockRetries: 0 }, PLAN, false);
  const rows = await phase.batch(async () => {
    await phase.exec(sql`CREATE TABLE ${ident('public', 'batched')} (id int)`);
    await phase.exec(sql`INSERT INTO ${ident('public', 'batched')} VALUES (1), (2)`);
    expect(sent).toEqual([]);
    // A static statement, as every statement was that `run` queued and answered with no rows.
    const counted = await phase.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${ident('batched')}`);
    return counted.rows;
  });
  expect(rows).toEqual([{ n: 2 }]);
  expect(sent).toEqual([
    'CREATE TABLE "public"."batched" (id int);\nINSERT INTO "public"."batched" VALUES (1), (2)',
    'SELECT count(*)::int AS n FROM "batched"',
  ]);
});

test('outside a batch, exec sends at once; the probes quote odd names exactly', async () => {
  current = await harness();
  const phase = phaseContext({ conn: current.conn, lockTimeoutMs: 1000, lockRetries: 0 }, PLAN, false);
  await phase.exec(sql`CREATE TABLE ${ident('public', 'we"ird.name')} (${ident('c"ol')} int)`);
  expect(await phase.tableExists('we"ird.name')).toBe(true);
  expect(await phase.columnExists('we"ird.name', 'c"ol')).toBe(true);
  expect(
    await phase.relationsExist([
      { schema: 'public', name: 'we"ird.name' },
      { schema: 'public', name: 'we' },
    ]),
  ).toEqual([true, false]);
});
