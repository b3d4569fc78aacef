/**
 * `status` classes of pending migrations: planned when there are some, left unknown (with the
 * refusal) when `up` would refuse them, and any other failure thrown, never swallowed.
 */
import { describe, expect, it } from 'vitest';
import { DatabaseError, MigrationFailedError, MigrationFileError, RefusedError } from '../../src/errors.js';
import type { Status, StatusEntry } from '../../src/runner/plan.js';
import type { PlannedMigration } from '../../src/runner/plan-report.js';
import { classifyMigrations } from '../../src/runner/status-classes.js';

const entry = (version: string, state: StatusEntry['state'], cls: string | null = null): StatusEntry =>
  ({
    version,
    name: `m${version}`,
    state,
    ...(state === 'pending' ? {} : { row: { class: cls } }),
  }) as StatusEntry;

const status = (...entries: StatusEntry[]): Status => ({ current: '1', entries });
const planned = (version: string, cls: string) => ({ version, class: cls }) as PlannedMigration;

describe('classifyMigrations', () => {
  it('keeps the recorded class of applied migrations and plans the pending ones', async () => {
    const r = await classifyMigrations(
      status(entry('1', 'applied', 'additive'), entry('2', 'pending')),
      async () => [planned('2', 'destructive')],
    );
    expect(r).toEqual({
      classes: new Map([
        ['1', 'additive'],
        ['2', 'destructive'],
      ]),
    });
  });

  it('does not plan when nothing is pending, or when a drifted or missing migration makes up refuse', async () => {
    const plan = async (): Promise<PlannedMigration[]> => {
      throw new Error('planned');
    };
    expect(await classifyMigrations(status(entry('1', 'applied', 'data')), plan)).toEqual({
      classes: new Map([['1', 'data']]),
    });
    for (const state of ['drifted', 'missing'] as const) {
      const r = await classifyMigrations(status(entry('1', state, 'data'), entry('2', 'pending')), plan);
      expect(r.classes.get('2')).toBeNull();
      expect(r.pendingUnknown).toBeUndefined();
    }
  });

  it('a refusal (exit 3) or a bad file (exit 2) leaves the pending classes unknown and is returned', async () => {
    const s = status(entry('1', 'applied', 'additive'), entry('2', 'pending'));
    for (const error of [
      new RefusedError('foreign-history', 'another tool migrated this database'),
      new MigrationFileError('migrations/2_m2.ts cannot be loaded', {
        details: { file: 'migrations/2_m2.ts' },
      }),
    ]) {
      const r = await classifyMigrations(s, async () => {
        throw error;
      });
      expect(r.pendingUnknown).toBe(error);
      expect([...r.classes]).toEqual([
        ['1', 'additive'],
        ['2', null],
      ]);
    }
  });

  it('any other failure is thrown: the database (exit 1), or a bug', async () => {
    const s = status(entry('2', 'pending'));
    for (const error of [
      new DatabaseError('connection reset'),
      new MigrationFailedError('Migration 2_m2 (up) failed'),
      new TypeError('undefined is not a function'),
    ]) {
      await expect(
        classifyMigrations(s, async () => {
          throw error;
        }),
      ).rejects.toBe(error);
    }
  });
});
