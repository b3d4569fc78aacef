import { describe, expect, it } from 'vitest';
import { RefusedError, SluiceError, UsageError } from '../../src/errors.js';
import type { MigrationFile } from '../../src/migrations/types.js';
import {
  assertNoDrift,
  computeStatus,
  type HistoryRow,
  planDown,
  planUp,
  type Status,
} from '../../src/runner/plan.js';

function file(version: string, name = `m${version}`, sum = `sum-${version}`): MigrationFile {
  return { version, name, path: `migrations/${version}_${name}.sql`, kind: 'sql', checksum: sum, text: '' };
}

function row(version: string, overrides: Partial<HistoryRow> = {}): HistoryRow {
  return {
    version,
    name: `m${version}`,
    kind: 'sql',
    checksum: `sum-${version}`,
    status: 'applied',
    appliedAt: new Date('2024-01-01T00:00:00Z'),
    durationMs: 1,
    appliedBy: 'test@host',
    statementsDone: 0,
    statementsTotal: 0,
    progress: [],
    failure: null,
    downInfo: null,
    class: null,
    ...overrides,
  };
}

const states = (s: Status) => s.entries.map((e) => `${e.version}:${e.state}`);
const versions = (entries: { version: string }[]) => entries.map((e) => e.version);

function caught(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SluiceError);
    return error as SluiceError;
  }
  throw new Error('expected an error');
}

describe('computeStatus', () => {
  it('joins files and rows into applied, pending, drifted, missing and active', () => {
    const status = computeStatus(
      [file('1'), file('2'), file('3', 'm3', 'edited'), file('5'), file('6')],
      [row('1'), row('3'), row('4'), row('5', { status: 'active' })],
    );
    expect(states(status)).toEqual([
      '1:applied',
      '2:pending',
      '3:drifted',
      '4:missing',
      '5:active',
      '6:pending',
    ]);
    expect(status.current).toBe('5');
  });

  it('has no current version when nothing is applied', () => {
    const status = computeStatus([file('1'), file('2')], []);
    expect(status.current).toBeNull();
    expect(states(status)).toEqual(['1:pending', '2:pending']);
  });

  it('sorts by numeric version, not by string', () => {
    const status = computeStatus([file('9'), file('10')], [row('100'), row('9')]);
    expect(states(status)).toEqual(['9:applied', '10:pending', '100:missing']);
    expect(status.current).toBe('100');
  });

  it('treats a partial (stopped) migration as pending, and forgets one whose file is gone', () => {
    const status = computeStatus(
      [file('1'), file('2')],
      [row('1'), row('2', { status: 'partial' }), row('3', { status: 'partial' })],
    );
    expect(states(status)).toEqual(['1:applied', '2:pending']);
    expect(status.current).toBe('1');
    expect(status.entries[1]!.row?.status).toBe('partial');
  });

  it('keeps the file and the row on each entry', () => {
    const f = file('1');
    const r = row('1');
    const [entry] = computeStatus([f], [r]).entries;
    expect(entry).toEqual({ version: '1', name: 'm1', state: 'applied', file: f, row: r });
  });
});

describe('planUp', () => {
  const status = computeStatus([file('1'), file('2'), file('3'), file('4')], [row('1')]);

  it('applies everything pending for head', () => {
    expect(versions(planUp(status, { kind: 'head' }, { outOfOrder: false }))).toEqual(['2', '3', '4']);
  });

  it('applies the next N for +N', () => {
    expect(versions(planUp(status, { kind: 'count', n: 2 }, { outOfOrder: false }))).toEqual(['2', '3']);
    expect(versions(planUp(status, { kind: 'count', n: 9 }, { outOfOrder: false }))).toEqual(['2', '3', '4']);
  });

  it('applies up to and including a version', () => {
    expect(versions(planUp(status, { kind: 'version', version: '3' }, { outOfOrder: false }))).toEqual([
      '2',
      '3',
    ]);
  });

  it('plans nothing when the target is already applied or nothing is pending', () => {
    expect(planUp(status, { kind: 'version', version: '1' }, { outOfOrder: false })).toEqual([]);
    const done = computeStatus([file('1')], [row('1')]);
    expect(planUp(done, { kind: 'head' }, { outOfOrder: false })).toEqual([]);
  });

  it('rejects an unknown version with a usage error (exit 2)', () => {
    const error = caught(() => planUp(status, { kind: 'version', version: '123' }, { outOfOrder: false }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('Unknown target version 123: no migration file has it.');
  });

  it('rejects a version that is only in history (missing file) as unknown', () => {
    const s = computeStatus([file('2')], [row('1', { status: 'partial' })]);
    expect(caught(() => planUp(s, { kind: 'version', version: '1' }, { outOfOrder: false }))).toBeInstanceOf(
      UsageError,
    );
  });

  it('refuses on drift (exit 3), naming the migrations', () => {
    const s = computeStatus([file('1', 'a', 'changed'), file('2')], [row('1', { name: 'a' })]);
    const error = caught(() => planUp(s, { kind: 'head' }, { outOfOrder: false }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.exitCode).toBe(3);
    expect(error.code).toBe('drift');
    expect(error.message).toBe('Refusing to run: migrations changed after they were applied: 1_a.');
    expect(error.details.versions).toEqual(['1']);
  });

  it('refuses when an applied file is missing (exit 3)', () => {
    const s = computeStatus([file('2')], [row('1', { name: 'gone' })]);
    const error = caught(() => planUp(s, { kind: 'head' }, { outOfOrder: false }));
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('Refusing to run: migrations applied but their files are gone: 1_gone.');
  });

  it('names drifted and missing migrations together', () => {
    const s = computeStatus([file('2', 'b', 'x')], [row('1', { name: 'a' }), row('2', { name: 'b' })]);
    expect(caught(() => assertNoDrift(s)).message).toBe(
      'Refusing to run: migrations changed after they were applied: 2_b; applied but their files are gone: 1_a.',
    );
  });

  it('refuses an out-of-order pending migration unless allowed', () => {
    const s = computeStatus([file('1'), file('2', 'late'), file('3'), file('4')], [row('1'), row('3')]);
    const error = caught(() => planUp(s, { kind: 'head' }, { outOfOrder: false }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.code).toBe('out-of-order');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(
      'Refusing to apply 2_late: older than the newest applied migration 3 (probably from a merged branch).',
    );
    expect(error.details.versions).toEqual(['2']);
    expect(versions(planUp(s, { kind: 'head' }, { outOfOrder: true }))).toEqual(['2', '4']);
  });

  it('does not refuse out-of-order when the target stops before the old migration is reached', () => {
    const s = computeStatus([file('1'), file('2'), file('3')], [row('1')]);
    expect(versions(planUp(s, { kind: 'count', n: 1 }, { outOfOrder: false }))).toEqual(['2']);
  });
});

describe('planDown', () => {
  const status = computeStatus([file('1'), file('2'), file('3'), file('4')], [row('1'), row('2'), row('3')]);

  it('reverts the newest for -1 and the newest N for -N, newest first', () => {
    expect(versions(planDown(status, { kind: 'count', n: 1 }))).toEqual(['3']);
    expect(versions(planDown(status, { kind: 'count', n: 2 }))).toEqual(['3', '2']);
    expect(versions(planDown(status, { kind: 'count', n: 10 }))).toEqual(['3', '2', '1']);
  });

  it('reverts down to a version, which stays applied', () => {
    expect(versions(planDown(status, { kind: 'version', version: '1' }))).toEqual(['3', '2']);
    expect(planDown(status, { kind: 'version', version: '3' })).toEqual([]);
  });

  it('reverts everything for base', () => {
    expect(versions(planDown(status, { kind: 'base' }))).toEqual(['3', '2', '1']);
  });

  it('plans nothing when nothing is applied', () => {
    expect(planDown(computeStatus([file('1')], []), { kind: 'base' })).toEqual([]);
  });

  it('rejects a version that is not applied (exit 2)', () => {
    for (const version of ['4', '99']) {
      const error = caught(() => planDown(status, { kind: 'version', version }));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`Unknown target version ${version}: it is not applied.`);
    }
  });

  it('refuses to revert an active online migration (exit 3)', () => {
    const s = computeStatus([file('1'), file('2', 'online')], [row('1'), row('2', { status: 'active' })]);
    const error = caught(() => planDown(s, { kind: 'count', n: 1 }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.code).toBe('online-active');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('Cannot roll back 2_online: the online migration is still active.');
  });

  it('refuses to revert a drifted or missing migration, but reverts past drift it does not touch', () => {
    const s = computeStatus([file('1', 'm1', 'edited'), file('2')], [row('1'), row('2')]);
    expect(versions(planDown(s, { kind: 'count', n: 1 }))).toEqual(['2']);
    const error = caught(() => planDown(s, { kind: 'base' }));
    expect(error.code).toBe('drift');
    expect(error.exitCode).toBe(3);
    expect(error.details.versions).toEqual(['1']);
    const gone = computeStatus([file('1')], [row('1'), row('2')]);
    expect(caught(() => planDown(gone, { kind: 'count', n: 1 })).details.versions).toEqual(['2']);
  });
});
