/**
 * The backfill engine against real databases (server and PGlite): every row written exactly once,
 * composite keys, where filters, copy mode, progress events, resume after abort, and the errors a
 * user can cause. Plans, lock retries and replication lag: backfill-server.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config/url.js';
import type { Connection, Driver } from '../../src/dialects/dialect.js';
import { createDriver } from '../../src/dialects/index.js';
import {
  type BackfillDialect,
  type BackfillProgress,
  type BackfillSpec,
  clearBackfill,
  pendingBackfills,
  postgresBackfill,
  resumeBackfills,
  runBackfill,
} from '../../src/online/backfill/index.js';
import { render, type SqlFragment } from '../../src/sql/tag.js';
import { catchError, makeUsers, touchedCounts, users } from '../helpers/backfill.js';

/**
 * `postgresBackfill`, recording which of its methods the engine calls, and a connection that
 * records every statement the engine sends itself, outside those methods. The only statements it
 * may send itself are the dialect's checkpoint statements.
 */
function tracing(conn: Connection) {
  const calls: string[] = [];
  const own: string[] = [];
  const fromDialect = new Set<string>();
  let inside = 0;
  const traced: Connection = {
    query(text, values) {
      if (inside === 0 && !fromDialect.has(text)) own.push(text);
      return conn.query(text, values);
    },
    close: () => conn.close(),
  };
  const statements = Object.fromEntries(
    Object.entries(postgresBackfill.checkpoint).map(([name, build]) => [
      name,
      (...args: unknown[]) => {
        const built = (build as (...a: unknown[]) => SqlFragment | SqlFragment[])(...args);
        for (const f of [built].flat()) fromDialect.add(render(f, postgresBackfill.quoting).text);
        return built;
      },
    ]),
  ) as unknown as BackfillDialect['checkpoint'];
  const methods = Object.fromEntries(
    Object.entries(postgresBackfill)
      // The async methods, which may query; errorInfo and isUndefinedTable only read an error.
      .filter(
        ([name, value]) => typeof value === 'function' && !['errorInfo', 'isUndefinedTable'].includes(name),
      )
      .map(([name, method]) => [
        name,
        async (...args: unknown[]) => {
          calls.push(name);
          // withBatchSettings runs the engine's loop inside it: that part is the engine's again.
          const last = args.at(-1);
          if (name === 'withBatchSettings' && typeof last === 'function') {
            args[args.length - 1] = async () => {
              inside--;
              try {
                return await last();
              } finally {
                inside++;
              }
            };
          }
          inside++;
          try {
            return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
          } finally {
            inside--;
          }
        },
      ]),
  );
  const dialect = { ...postgresBackfill, ...methods, checkpoint: statements } as BackfillDialect;
  return { conn: traced, dialect, calls, own };
}

import { POSTGRES_TARGETS, type TestDatabase } from '../helpers/databases.js';

describe.each(POSTGRES_TARGETS)('backfill on $label', ({ create }) => {
  let db: TestDatabase;
  let driver: Driver;
  let conn: Connection;
  beforeEach(async () => {
    db = await create();
    driver = await createDriver(parseDatabaseUrl(db.url));
    conn = await driver.connect();
  });
  afterEach(async () => {
    await driver.close();
    await db.drop();
  });

  it('writes every row exactly once, in many batches, with an ordered progress sequence', async () => {
    await makeUsers(conn, 3000);
    const events: BackfillProgress[] = [];
    const result = await runBackfill(conn, users('all'), {
      initialBatchSize: 100,
      maxBatchSize: 250,
      onProgress: (p) => events.push(p),
    });
    expect(await touchedCounts(conn)).toEqual({ 1: 3000 });
    const wrong = await conn.query('SELECT id FROM users WHERE email_address IS DISTINCT FROM lower(email)');
    expect(wrong.rows).toEqual([]);
    expect(result).toMatchObject({ id: 'all', rows: 3000, resumed: false, alreadyDone: false });
    expect(result.batches).toBeGreaterThanOrEqual(12);

    expect(events[0]).toMatchObject({ state: 'start', rowsDone: 0, batches: 0, lastKey: null });
    expect(events.at(-1)).toMatchObject({
      state: 'done',
      rowsDone: 3000,
      rowsTotal: 3000,
      etaMs: 0,
      lastKey: ['3000'],
    });
    const batches = events.filter((e) => e.state === 'batch');
    expect(batches).toHaveLength(result.batches);
    batches.forEach((e, i) => {
      expect(e.batches).toBe(i + 1);
      expect(e.batchSize).toBeGreaterThanOrEqual(10);
      expect(e.batchSize).toBeLessThanOrEqual(250);
      if (i > 0) expect(e.rowsDone).toBeGreaterThan(batches[i - 1]!.rowsDone);
      if (i > 0) expect(Number(e.lastKey?.[0])).toBeGreaterThan(Number(batches[i - 1]!.lastKey?.[0]));
    });
    expect(events.map((e) => e.state)).toEqual(['start', ...batches.map(() => 'batch'), 'done']);

    // The same id again is a no-op: the checkpoint says it is done.
    const again = await runBackfill(conn, users('all'));
    expect(again).toMatchObject({ alreadyDone: true, rows: 3000, resumed: true });
    expect(await touchedCounts(conn)).toEqual({ 1: 3000 });
  });

  it('reaches the database only through the dialect it is given', async () => {
    await makeUsers(conn, 500);
    const trace = tracing(conn);
    const result = await runBackfill(trace.conn, users('traced'), {
      initialBatchSize: 100,
      maxBatchSize: 100,
      dialect: trace.dialect,
    });
    expect(result).toMatchObject({ rows: 500, resumed: false });
    expect(await touchedCounts(conn)).toEqual({ 1: 500 });
    expect(trace.own).toEqual([]);
    expect(trace.calls.filter((name) => name === 'writeBatch')).toHaveLength(result.batches);
    expect(new Set(trace.calls)).toEqual(
      new Set([
        'describeTable',
        'autocommit',
        'maxKey',
        'explainBatch',
        'estimateRows',
        'withBatchSettings',
        'writeBatch',
      ]),
    );
    const state = { stateSchema: 'sluice', dialect: trace.dialect };
    expect(await pendingBackfills(trace.conn, { ...state, all: true })).toHaveLength(1);
    await clearBackfill(trace.conn, 'traced', state);
    expect(trace.own).toEqual([]);
  });

  it('only writes rows matching where, and finishes an empty table at once', async () => {
    await makeUsers(conn, 500);
    await conn.query("UPDATE users SET email_address = 'kept' WHERE id % 5 = 0");
    const result = await runBackfill(conn, users('filtered', { where: 'email_address IS NULL' }), {
      initialBatchSize: 60,
    });
    expect(result.rows).toBe(400);
    expect(await touchedCounts(conn)).toEqual({ 0: 100, 1: 400 });
    const kept = await conn.query("SELECT count(*)::int AS n FROM users WHERE email_address = 'kept'");
    expect(kept.rows[0]).toEqual({ n: 100 });

    await conn.query('CREATE TABLE empty (id int PRIMARY KEY, a int)');
    const events: string[] = [];
    const none = await runBackfill(
      conn,
      { id: 'empty', mode: 'update', table: { schema: 'public', name: 'empty' }, set: { a: '1' } },
      { onProgress: (p) => events.push(p.state) },
    );
    expect(none).toMatchObject({ rows: 0, batches: 0, alreadyDone: false });
    expect(events).toEqual(['start', 'done']);
  });

  it('walks a composite text/int primary key with odd names', async () => {
    await conn.query(
      'CREATE SCHEMA "Odd ""Schema"""; CREATE TABLE "Odd ""Schema"""."T" ("ten ant" text, seq int, v text, n int NOT NULL DEFAULT 0, PRIMARY KEY ("ten ant", seq))',
    );
    await conn.query(
      `INSERT INTO "Odd ""Schema"""."T" ("ten ant", seq) SELECT t, s FROM unnest(ARRAY['a''b', 'Zürich', 'x,y', '{}', 'NULL']) t, generate_series(1, 97) s`,
    );
    const spec: BackfillSpec = {
      id: 'composite',
      mode: 'update',
      table: { schema: 'Odd "Schema"', name: 'T' },
      set: { v: `"ten ant" || ':' || seq`, n: 'n + 1' },
    };
    const result = await runBackfill(conn, spec, { initialBatchSize: 13, maxBatchSize: 40 });
    expect(result.rows).toBe(485);
    const res = await conn.query<{ n: number; c: number }>(
      `SELECT n, count(*)::int AS c FROM "Odd ""Schema"""."T" WHERE v = "ten ant" || ':' || seq GROUP BY n`,
    );
    expect(res.rows).toEqual([{ n: 1, c: 485 }]);
  });

  it('copies into a target table, leaving rows already there alone', async () => {
    await makeUsers(conn, 700);
    await conn.query(
      'CREATE TABLE users_v2 (id bigint PRIMARY KEY, email_address text NOT NULL, origin text)',
    );
    await conn.query(
      "INSERT INTO users_v2 VALUES (3, 'dual-written', 'trigger'), (650, 'dual-written', 'trigger')",
    );
    const result = await runBackfill(
      conn,
      {
        id: 'copy',
        mode: 'copy',
        source: { schema: 'public', name: 'users' },
        target: { schema: 'public', name: 'users_v2' },
        columns: { id: 'id', email_address: 'lower(email)', origin: "'backfill'" },
        where: 'id <= 690',
      },
      { initialBatchSize: 50 },
    );
    expect(result.rows).toBe(688);
    const res = await conn.query<{ origin: string; n: number }>(
      'SELECT origin, count(*)::int AS n FROM users_v2 GROUP BY origin ORDER BY origin',
    );
    expect(res.rows).toEqual([
      { origin: 'backfill', n: 688 },
      { origin: 'trigger', n: 2 },
    ]);
  });

  it('stops on abort, keeps the checkpoint, and resumes without skipping or repeating rows', async () => {
    await makeUsers(conn, 2000);
    const ac = new AbortController();
    const error = await catchError(
      runBackfill(conn, users('abort'), {
        // Fixed 100-row batches: a slow machine would otherwise shrink them and move the stop.
        initialBatchSize: 100,
        minBatchSize: 100,
        maxBatchSize: 100,
        onProgress: (p) => {
          if (p.batches === 4) ac.abort(new Error('operator pressed ^C'));
        },
        signal: ac.signal,
      }),
    );
    expect(error).toMatchObject({ code: 'backfill-aborted' });
    expect(await touchedCounts(conn)).toEqual({ 0: 1600, 1: 400 });
    const [pending] = await pendingBackfills(conn);
    expect(pending).toMatchObject({
      id: 'abort',
      status: 'running',
      lastKey: ['400'],
      maxKey: ['2000'],
      rowsDone: 400,
    });
    expect(pending?.spec).toEqual(users('abort'));

    // Rows inserted after the start lie beyond the range: they are the triggers' job, not the backfill's.
    await conn.query(
      "INSERT INTO users (id, email) VALUES (2001, 'Late@Example.com'), (5000, 'Later@Example.com')",
    );
    const events: BackfillProgress[] = [];
    const resumed = await runBackfill(conn, users('abort'), { onProgress: (p) => events.push(p) });
    expect(resumed).toMatchObject({ resumed: true, alreadyDone: false, rows: 2000 });
    expect(events[0]).toMatchObject({ state: 'start', rowsDone: 400, lastKey: ['400'] });
    expect(await touchedCounts(conn)).toEqual({ 0: 2, 1: 2000 });
    expect(await pendingBackfills(conn)).toEqual([]);
    expect((await pendingBackfills(conn, { all: true }))[0]).toMatchObject({
      status: 'done',
      rowsTotal: 2000,
    });
  });

  it('resumes every pending backfill from its stored spec, and forgets a cleared one', async () => {
    await makeUsers(conn, 600);
    await conn.query('CREATE TABLE other (id int PRIMARY KEY, a int NOT NULL DEFAULT 0)');
    await conn.query('INSERT INTO other (id) SELECT generate_series(1, 300)');
    const ac = new AbortController();
    ac.abort();
    for (const spec of [
      users('one'),
      {
        id: 'two',
        mode: 'update',
        table: { schema: 'public', name: 'other' },
        set: { a: 'a + 1' },
      } as BackfillSpec,
    ]) {
      expect(await catchError(runBackfill(conn, spec, { signal: ac.signal }))).toMatchObject({
        code: 'backfill-aborted',
      });
    }
    expect((await pendingBackfills(conn)).map((b) => b.id)).toEqual(['one', 'two']);
    const results = await resumeBackfills(conn, { initialBatchSize: 70 });
    expect(results.map((r) => [r.id, r.rows, r.resumed])).toEqual([
      ['one', 600, true],
      ['two', 300, true],
    ]);
    expect(await touchedCounts(conn)).toEqual({ 1: 600 });
    await clearBackfill(conn, 'one');
    await clearBackfill(conn, 'missing');
    expect((await pendingBackfills(conn, { all: true })).map((b) => b.id)).toEqual(['two']);
  });

  it('refuses bad input with an error that says what to do', async () => {
    await makeUsers(conn, 10);
    await conn.query('CREATE TABLE nokey (id int, a int)');
    const nokey = await catchError(
      runBackfill(conn, {
        id: 'x',
        mode: 'update',
        table: { schema: 'public', name: 'nokey' },
        set: { a: '1' },
      }),
    );
    expect(nokey).toMatchObject({ code: 'backfill-no-primary-key', exitCode: 2 });
    expect(String(nokey.details?.hint)).toContain('PRIMARY KEY USING INDEX');

    const cases: [BackfillSpec, string, RegExp][] = [
      [
        users('x', { table: { schema: 'public', name: 'nope' } }),
        'backfill-invalid-spec',
        /public\.nope does not exist/,
      ],
      [users('x', { set: { nope: '1' } }), 'backfill-invalid-spec', /column nope does not exist/],
      [users('x', { set: { id: 'id + 1' } }), 'backfill-invalid-spec', /part of the primary key/],
      [users('x', { set: {} }), 'backfill-invalid-spec', /at least one column/],
      [users('x', { set: { email_address: 'no_such_column' } }), 'backfill-invalid-spec', /does not compile/],
      [users('x', { where: 'email_address IS NUL' }), 'backfill-invalid-spec', /does not compile/],
    ];
    for (const [spec, code, message] of cases) {
      const e = await catchError(runBackfill(conn, spec));
      expect(e, message.source).toMatchObject({ code });
      expect(e.message).toMatch(message);
    }
    // A spec that does not compile leaves no checkpoint behind, so fixing it needs no cleanup.
    expect(await pendingBackfills(conn, { all: true })).toEqual([]);

    await runBackfill(conn, users('same-id'));
    const mismatch = await catchError(runBackfill(conn, users('same-id', { where: 'id > 5' })));
    expect(mismatch).toMatchObject({ code: 'backfill-spec-mismatch' });

    await conn.query('BEGIN');
    const inTx = await catchError(runBackfill(conn, users('in-tx')));
    await conn.query('ROLLBACK');
    expect(inTx).toMatchObject({ code: 'backfill-in-transaction' });
  });
});
