import { describe, expect, test } from 'vitest';
import { MigrationFileError } from '../../../src/errors.js';
import { defineMigration } from '../../../src/migrations/types.js';
import { type OpBuilder, validateOnlineMigration } from '../../../src/online/index.js';

const mig = (operations: (op: OpBuilder) => unknown[]) => defineMigration({ online: true, operations });

function reason(def: Parameters<typeof validateOnlineMigration>[0]): string {
  try {
    validateOnlineMigration(def, 'm/1_x.ts');
  } catch (e) {
    expect(e).toBeInstanceOf(MigrationFileError);
    expect((e as MigrationFileError).exitCode).toBe(2);
    expect((e as MigrationFileError).details.file).toBe('m/1_x.ts');
    return (e as Error).message;
  }
  throw new Error('expected a MigrationFileError');
}

describe('validateOnlineMigration', () => {
  test('accepts the issue example and returns plain data', () => {
    const ops = validateOnlineMigration(
      mig((op) => [
        op.renameColumn('users', 'email', 'email_address'),
        op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' }),
        op.addColumn('users', { name: 'full_name', type: 'text', up: "first_name || ' ' || last_name" }),
        op.setNotNull('users', 'phone', { up: "coalesce(phone, '')" }),
        op.dropColumn('users', 'legacy_flag', { down: 'false' }),
      ]),
      'f.ts',
    );
    expect(JSON.parse(JSON.stringify(ops))).toEqual(ops);
    expect(ops.map((o) => o.kind)).toEqual([
      'renameColumn',
      'alterColumn',
      'addColumn',
      'alterColumn',
      'dropColumn',
    ]);
    expect(ops[3]).toEqual({
      kind: 'alterColumn',
      table: 'users',
      column: 'phone',
      changes: { notNull: true, up: "coalesce(phone, '')" },
    });
  });

  test.each([
    [
      'raw SQL',
      mig(() => ['ALTER TABLE users ADD COLUMN x int']),
      /operation 1 is not an online operation \(raw SQL\)/,
    ],
    [
      'unknown kind',
      mig(() => [{ kind: 'truncate', table: 'users' }]),
      /not an online operation \("truncate"\)/,
    ],
    [
      'volatile default',
      mig((op) => [op.addColumn('users', { name: 'token', type: 'uuid', default: 'gen_random_uuid()' })]),
      /addColumn users.token\) cannot run online: its default `gen_random_uuid\(\)` is volatile/,
    ],
    [
      'NOT NULL without default or up',
      mig((op) => [op.addColumn('users', { name: 'n', type: 'int', notNull: true })]),
      /needs a `default` or an `up`/,
    ],
    [
      'alter nothing',
      mig((op) => [op.alterColumn('users', 'age', {})]),
      /alterColumn users.age\) cannot run online: it changes nothing/,
    ],
    [
      'unknown change',
      mig((op) => [op.alterColumn('users', 'age', { size: 3 } as never)]),
      /unknown change\(s\) size/,
    ],
    ['empty list', mig(() => []), /non-empty array/],
    ['missing name', mig((op) => [op.renameColumn('users', '', 'b')]), /`from` must be a non-empty string/],
    [
      'replaceTable without key',
      mig((op) => [op.replaceTable('users', { columns: [{ name: 'id', type: 'int' }], primaryKey: [] })]),
      /a `primaryKey` is needed/,
    ],
    [
      'replaceTable mixed with others',
      mig((op) => [
        op.replaceTable('users', { columns: [{ name: 'id', type: 'int' }], primaryKey: ['id'] }),
        op.dropTable('x'),
      ]),
      /cannot be mixed/,
    ],
    [
      'createIndex without columns',
      mig((op) => [op.createIndex('users', { name: 'i', columns: [] })]),
      /at least one column/,
    ],
  ])('%s', (_label, def, re) => {
    expect(reason(def)).toMatch(re);
  });

  test('refuses non-online definitions and up/down functions', () => {
    expect(reason(defineMigration({ operations: () => [] }))).toMatch(/Not an online migration/);
    expect(reason(defineMigration({ online: true, operations: () => [], up: () => {} }))).toMatch(
      /operations only/,
    );
  });
});
