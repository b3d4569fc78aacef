/**
 * Every online operation, pgroll style: start → checks through both version schemas → complete, and
 * start → abort → the catalog is exactly as before (abort twice: it is idempotent).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { activeOnlineMigrations, latestVersionSchema } from '../../../src/online/index.js';
import { CASES, SETUP } from './cases.js';
import {
  abortOnline,
  completeOnline,
  fingerprint,
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

async function prepared(): Promise<Harness> {
  h = await harness();
  for (const s of SETUP) await h.admin.query(s);
  return h;
}

const adminSession = (x: Harness) => ({
  q: async (text: string, values?: unknown[]) => (await x.admin.query(text, values)).rows,
  one: async (text: string, values?: unknown[]) => {
    const rows = (await x.admin.query(text, values)).rows;
    if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
    return rows[0];
  },
});

describe.each(CASES)('$name', (c) => {
  const version = '20240101000000';
  const name = c.name.replace(/[^a-z]+/gi, '_');
  const schema = versionSchemaName(version, name);

  test('start, then complete', async () => {
    const x = await prepared();
    const ctx = x.ctx(version, name, c.ops);
    await startOnline(ctx);
    await startOnline(ctx); // idempotent once active
    expect(await activeOnlineMigrations(x.conn)).toEqual([{ version, name, phase: 'active', schema }]);
    expect(await latestVersionSchema(x.conn)).toBe(schema);
    const old = await x.session('sluice_base');
    const next = await x.session(schema);
    await c.afterStart({ old, next, admin: adminSession(x) });
    await completeOnline(ctx);
    await completeOnline(ctx); // idempotent once completed
    expect(await activeOnlineMigrations(x.conn)).toEqual([]);
    await c.afterComplete({ next, admin: adminSession(x) });
    const left = await x.admin.query(
      `SELECT relname FROM pg_class WHERE relname LIKE '\\_sluice%' UNION ALL SELECT attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relkind = 'r' AND attname LIKE '\\_sluice%' AND NOT attisdropped
       UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE '\\_sluice%' UNION ALL SELECT nspname FROM pg_namespace WHERE nspname = 'sluice_base'`,
    );
    expect(left.rows).toEqual([]);
  });

  test('start, then abort restores the schema', async () => {
    const x = await prepared();
    const before = await fingerprint(x);
    const ctx = x.ctx(version, name, c.ops);
    await startOnline(ctx);
    const old = await x.session('sluice_base');
    const next = await x.session(schema);
    await c.afterStart({ old, next, admin: adminSession(x) });
    await abortOnline(ctx);
    await abortOnline(ctx);
    expect(await fingerprint(x)).toBe(before);
    expect(await activeOnlineMigrations(x.conn)).toEqual([]);
    await c.afterAbort({ old: adminSession(x), admin: adminSession(x) });
  });
});
