/**
 * Online phases under live applications (issue 9, item 3): an old-version and a new-version
 * application, each a pool of 4 connections reading, inserting and updating at a steady rate,
 * run through `up`, `complete`, `abort`, a replaceTable swap and an abort after the swap. No
 * application statement may fail (a deadlock used to pick an application statement as its victim),
 * and every write they committed must be in the table afterwards with the values written.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { OnlineContext, OpBuilder } from '../../../src/online/index.js';
import type { OnlineOperation } from '../../../src/online/types.js';
import { type LiveApp, type LiveAppReport, startLiveApp } from '../../helpers/live-app.js';
import {
  abortOnline,
  completeOnline,
  type Harness,
  harness,
  startOnline,
  versionSchemaName,
} from './harness.js';

const VERSION = '20250909000000';
const NAME = 'live';
const NEW_SCHEMA = versionSchemaName(VERSION, NAME);

let h: Harness | undefined;
let apps: LiveApp[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.stop().catch(() => {})));
  apps = [];
  await h?.close();
  h = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const COLUMNS: (op: OpBuilder) => OnlineOperation[] = (op) => [
  op.alterColumn('accounts', 'balance', { type: 'bigint' }),
  op.addIndex('accounts', ['owner'], { name: 'accounts_owner_idx' }),
];
// The typical reason for a swap: a wider key. Both versions keep the column names, so both
// applications' statements stay valid in every phase.
const SWAP: (op: OpBuilder) => OnlineOperation[] = (op) => [
  op.replaceTable('accounts', {
    columns: [
      { name: 'id', type: 'bigint', nullable: false },
      { name: 'owner', type: 'text', nullable: false },
      { name: 'balance', type: 'bigint', nullable: false },
      { name: 'note', type: 'text' },
    ],
    primaryKey: ['id'],
  }),
];

async function setup(seed: number): Promise<{ x: Harness; live: LiveApp[] }> {
  h = await harness();
  await h.admin.query(
    `CREATE TABLE accounts (id serial PRIMARY KEY, owner text NOT NULL, balance int NOT NULL, note text)`,
  );
  // A table the migrations do not change: version schemas hold a view of it too, which complete and
  // abort drop, and each application version uses it as well.
  await h.admin.query(`CREATE TABLE audit (id serial PRIMARY KEY, what text)`);
  await h.admin.query(
    `INSERT INTO accounts (owner, balance, note) SELECT 'seed' || g, g, NULL FROM generate_series(1, 2000) g`,
  );
  const url = h.db.url;
  // Before `up` the version schemas do not exist yet: both applications then use public.
  const versions: [string, string[]][] = [
    ['old', ['sluice_base', 'public']],
    ['new', [NEW_SCHEMA, 'public']],
  ];
  const live = versions.flatMap(([name, searchPath], i) => [
    startLiveApp({
      url,
      name,
      searchPath,
      table: 'accounts',
      columns: { owner: (n) => `${name}-${n}`, balance: (n) => (n * 7919) % 100_000, note: (n) => `n${n}` },
      connections: 4,
      rate: 150,
      seed: seed + i,
    }),
    startLiveApp({
      url,
      name: `${name}/audit`,
      searchPath,
      table: 'audit',
      columns: { what: (n) => `${name}-${n}` },
      connections: 2,
      rate: 50,
      seed: seed + 10 + i,
    }),
  ]);
  apps = live;
  return { x: h, live };
}

function ctx(x: Harness, ops: (op: OpBuilder) => OnlineOperation[], lockTimeoutMs: number): OnlineContext {
  return { ...x.ctx(VERSION, NAME, ops), lockTimeoutMs, lockRetries: 10 };
}

// Longer and shorter than PostgreSQL's deadlock_timeout (1 s): sluice must back off with either.
const LOCK_TIMEOUTS = [3000, 250];

/**
 * Runs each phase with both applications labelled by it, with a pause before and after. Returns the
 * error a phase failed with (the applications' errors are checked first: they say more).
 */
async function phases(list: [string, () => Promise<void>][], live: LiveApp[]): Promise<unknown> {
  for (const a of live) a.phase('baseline');
  await sleep(400);
  for (const [label, fn] of list) {
    for (const a of live) a.phase(label);
    try {
      await fn();
    } catch (error) {
      return error;
    }
    await sleep(300);
  }
  return undefined;
}

async function finish(x: Harness, live: LiveApp[], labels: string[]): Promise<LiveAppReport[]> {
  const reports: LiveAppReport[] = [];
  for (const a of live) reports.push(await a.stop());
  for (const [i, a] of live.entries()) {
    const check = await a.verify(x.db.url);
    expect(check.checked).toBeGreaterThan(0);
    expect({ app: reports[i]!.name, lost: check.lost, wrong: check.wrong }).toEqual({
      app: reports[i]!.name,
      lost: [],
      wrong: [],
    });
  }
  for (const r of reports) {
    // Traffic during every phase.
    expect({ app: r.name, ran: labels.filter((l) => (r.latencies.get(l)?.length ?? 0) > 0) }).toEqual({
      app: r.name,
      ran: labels,
    });
    expect({ app: r.name, errors: r.errors }).toEqual({ app: r.name, errors: [] });
  }
  return reports;
}

type Phase = 'up' | 'complete' | 'abort';

const RUN: Record<Phase, (c: OnlineContext) => Promise<unknown>> = {
  up: startOnline,
  complete: completeOnline,
  abort: abortOnline,
};

/** Each scenario: its migration, its phases in order (label, phase), the applications' seed. */
const SCENARIOS: {
  name: string;
  seed: number;
  ops: (op: OpBuilder) => OnlineOperation[];
  phases: [string, Phase][];
  /** Data type of a column afterwards, as `information_schema` names it. */
  after: { column: string; type: string };
}[] = [
  {
    name: 'up → complete',
    seed: 101,
    ops: COLUMNS,
    phases: [
      ['up', 'up'],
      ['complete', 'complete'],
    ],
    after: { column: 'balance', type: 'bigint' },
  },
  {
    name: 'up → abort',
    seed: 202,
    ops: COLUMNS,
    phases: [
      ['up', 'up'],
      ['abort', 'abort'],
    ],
    after: { column: 'balance', type: 'integer' },
  },
  {
    name: 'replaceTable up → complete (swap) → abort after the swap',
    seed: 303,
    ops: SWAP,
    phases: [
      ['up', 'up'],
      ['swap', 'complete'],
      ['abort-after-swap', 'abort'],
    ],
    after: { column: 'id', type: 'integer' },
  },
];

describe.each(SCENARIOS)('$name', (s) => {
  test.each(LOCK_TIMEOUTS)(
    `old and new applications live: 0 errors, 0 lost or wrong writes; lockTimeout %i ms (seed ${s.seed})`,
    { timeout: 120_000 },
    async (ms) => {
      const { x, live } = await setup(s.seed);
      const c = ctx(x, s.ops, ms);
      const failed = await phases(
        s.phases.map(([label, phase]) => [label, async () => void (await RUN[phase](c))]),
        live,
      );
      await finish(
        x,
        live,
        s.phases.map(([label]) => label),
      );
      expect(failed).toBeUndefined();
      const t = await x.admin.query(
        `SELECT data_type FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = $1`,
        [s.after.column],
      );
      expect(t.rows).toEqual([{ data_type: s.after.type }]);
      if (process.env.SLUICE_LOCK_LOG)
        console.log(
          s.name,
          ms,
          x.events.filter((e) => e.type === 'lock' || e.type === 'lock-retry').map((e) => e.message),
        );
    },
  );
});
