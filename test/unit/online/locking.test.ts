import { expect, test } from 'vitest';
import { lockWaitMs } from '../../../src/online/db.js';
import { opBuilder as op } from '../../../src/online/index.js';
import type { SchemaInfo } from '../../../src/online/introspect.js';
import { passThroughViews, viewsToLock } from '../../../src/online/phases/locking.js';
import { buildOnlinePlan } from '../../../src/online/plan.js';
import { prepareOperation } from '../../../src/online/registry.js';

const table = (name: string) => ({
  name,
  columns: [
    { name: 'id', type: 'integer', notNull: true, default: null, special: false },
    { name: 'note', type: 'text', notNull: false, default: null, special: false },
  ],
  primaryKey: ['id'],
  indexes: [],
  constraints: [],
});
const info: SchemaInfo = new Map([
  ['audit', table('audit')],
  ['users', table('users')],
  ['old_logs', table('old_logs')],
]);

const plan = buildOnlinePlan({
  schema: 'public',
  info,
  operations: [op.alterColumn('users', 'note', { type: 'varchar(100)' }), op.dropTable('old_logs')].map(
    prepareOperation,
  ),
  newSchema: 'sluice_2_x',
  oldSchema: 'sluice_base',
  createdOldSchema: true,
  securityInvoker: true,
  file: 'x.ts',
});

test('contract and abort lock the views of the tables they change first, in their order, not those of other tables', () => {
  const names = (hook: 'contract' | 'rollback') =>
    viewsToLock(plan, ['users', 'old_logs'], hook).map((v) => `${v.schema}.${v.name}`);
  const expected = [
    'sluice_base.users',
    'sluice_2_x.users',
    'sluice_base.old_logs',
    // The new version's stand-in for the dropped table reads no table.
    'sluice_2_x.old_logs',
  ];
  expect(names('contract')).toEqual(expected);
  expect(names('rollback')).toEqual(expected);
  expect(viewsToLock(plan, ['users'], 'expand')).toEqual([]);
  // The views of a table both versions see as it is are dropped before, on their own.
  expect(passThroughViews(plan, ['users', 'old_logs']).map((v) => `${v.schema}.${v.name}`)).toEqual([
    'sluice_base.audit',
    'sluice_2_x.audit',
  ]);
  // Unless an operation names that table (it is then locked with its views).
  expect(passThroughViews(plan, ['users', 'old_logs', 'audit'])).toEqual([]);
  expect(viewsToLock(plan, ['users'], 'dropOld')).toEqual([]);
});

test('a lock wait inside a short-lock transaction stays under 30% of deadlock_timeout', () => {
  expect(lockWaitMs(3000, 1000)).toBe(300);
  expect(lockWaitMs(250, 1000)).toBe(250);
  expect(lockWaitMs(3000, 200)).toBe(60);
  expect(lockWaitMs(0, 1000)).toBe(1);
});
