import { describe, expect, test } from 'vitest';
import { MigrationFileError } from '../../../src/errors.js';
import { defineMigration } from '../../../src/migrations/types.js';
import { type OpBuilder, validateOnlineMigration } from '../../../src/online/index.js';
import { addIndex } from '../../../src/operations/add-index.js';
import { addUnique } from '../../../src/operations/add-unique.js';
import { dropColumn } from '../../../src/operations/drop-column.js';
import { renameColumn } from '../../../src/operations/rename-column.js';
import { renameTable } from '../../../src/operations/rename-table.js';

const mig = (operations: (op: OpBuilder) => unknown[]) => defineMigration({ online: true, operations });

function reason(def: Parameters<typeof validateOnlineMigration>[0]): string {
  try {
    validateOnlineMigration(def, 'm/1_x.ts');
  } catch (e) {
    expect(e).toBeInstanceOf(MigrationFileError);
    expect((e as MigrationFileError).exitCode).toBe(2);
    expect((e as MigrationFileError).details.file).toBe('m/1_x.ts');
    return `${(e as Error).message} | ${(e as MigrationFileError).details.hint ?? ''}`;
  }
  throw new Error('expected a MigrationFileError');
}

/** An online migration written with the builder's old words (JavaScript, so no type checks). */
const old = (operations: (op: Record<string, (...args: unknown[]) => unknown>) => unknown[]) =>
  mig(operations as never);

describe('validateOnlineMigration', () => {
  test('accepts the README example and returns plain data in the typed operations’ words', () => {
    const ops = validateOnlineMigration(
      mig((op) => [
        op.renameColumn('users', 'email', 'email_address'),
        op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint', down: 'age::int' }),
        op.addColumn('users', 'full_name', { type: 'text', up: "first_name || ' ' || last_name" }),
        op.alterColumn('users', 'phone', { nullable: false, up: "coalesce(phone, '')" }),
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
      table: { name: 'users' },
      column: 'phone',
      nullable: false,
      up: "coalesce(phone, '')",
    });
  });

  test('the operations without online options are the typed operations themselves', () => {
    const ops = validateOnlineMigration(
      mig((op) => [
        op.renameColumn('app.users', 'email', 'mail'),
        op.renameTable('teams', 'squads'),
        op.dropColumn('users', 'legacy'),
        op.addIndex('users', ['email']),
        op.addUnique('users', 'email'),
      ]),
      'f.ts',
    );
    expect(ops).toEqual([
      renameColumn('app.users', 'email', 'mail'),
      renameTable('teams', 'squads'),
      dropColumn('users', 'legacy'),
      addIndex('users', ['email'], {}, 63),
      addUnique('users', 'email', {}, 63),
    ]);
    expect(ops.slice(3).map((o) => (o as { name: string }).name)).toEqual([
      'users_email_idx',
      'users_email_key',
    ]);
  });

  test('column constraints are named as PostgreSQL would name them unless the migration names them', () => {
    const [added, altered] = validateOnlineMigration(
      mig((op) => [
        op.addColumn('orders', 'team_id', {
          type: 'int',
          check: 'team_id > 0',
          unique: true,
          references: { table: 'app.teams', onDelete: 'cascade' },
        }),
        op.alterColumn('orders', 'code', {
          to: 'ref',
          check: { name: 'ref_short', expression: 'length(ref) < 9' },
        }),
      ]),
      'f.ts',
    );
    expect(added).toMatchObject({
      column: {
        check: { name: 'orders_team_id_check', expression: 'team_id > 0' },
        unique: { name: 'orders_team_id_key' },
        references: {
          name: 'orders_team_id_fkey',
          table: { schema: 'app', name: 'teams' },
          onDelete: 'cascade',
        },
      },
    });
    expect(altered).toMatchObject({ check: { name: 'ref_short', expression: 'length(ref) < 9' } });
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
      mig((op) => [op.addColumn('users', 'token', { type: 'uuid', default: { sql: 'gen_random_uuid()' } })]),
      /Online operation 1: addColumn users.token cannot run online: its default `gen_random_uuid\(\)` is volatile.*\| Use `up: "gen_random_uuid\(\)"`/,
    ],
    [
      'NOT NULL without default or up',
      mig((op) => [op.addColumn('users', 'n', { type: 'int', nullable: false })]),
      /addColumn users.n cannot run online: a NOT NULL column needs a `default` or an `up`/,
    ],
    [
      'alter nothing',
      mig((op) => [op.alterColumn('users', 'age', {})]),
      /alterColumn users.age: option `type` is missing: give at least one of `type`, `nullable`/,
    ],
    [
      'unknown change',
      mig((op) => [op.alterColumn('users', 'age', { size: 3 } as never)]),
      /alterColumn users.age: option `size` is not an option of an online alterColumn \| Its options: table, column, type/,
    ],
    ['empty list', mig(() => []), /non-empty array/],
    [
      'missing name',
      mig((op) => [op.renameColumn('users', '', 'b')]),
      /renameColumn users: option `column` must be a non-empty name/,
    ],
    [
      'replaceTable without key',
      mig((op) => [op.replaceTable('users', { columns: { id: 'int' }, primaryKey: [] })]),
      /replaceTable users: option `primaryKey` is needed: rows are synced by key/,
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
      'addIndex without columns',
      mig((op) => [op.addIndex('users', [], { name: 'i' })]),
      /addIndex users.i: option `columns` must list at least one key/,
    ],
    [
      'addIndex over an expression',
      mig((op) => [op.addIndex('users', [{ expression: 'lower(email)' }] as never, { name: 'i' })]),
      /option `columns\[0\]` must be a column name/,
    ],
    [
      'a referential action in capitals',
      mig((op) => [
        op.addColumn('users', 'team', {
          type: 'int',
          references: { table: 'teams', onDelete: 'CASCADE' as never },
        }),
      ]),
      /option `column.references.onDelete` must be "cascade", got "CASCADE"/,
    ],
  ])('%s', (_label, def, re) => {
    expect(reason(def)).toMatch(re);
  });

  test.each([
    [
      'op.setNotNull',
      old((op) => [op.setNotNull!('users', 'phone', { up: "coalesce(phone, '')" })]),
      /op.setNotNull is not an online operation any more.*op.alterColumn\(table, column, \{ nullable: false, up \}\)/,
    ],
    [
      'op.createIndex',
      old((op) => [op.createIndex!('users', { name: 'users_email_idx', columns: ['email'] })]),
      /op.createIndex is not an online operation any more.*op.addIndex\(table, columns, \{ name, … \}\)/,
    ],
    [
      'addColumn with the column object',
      old((op) => [op.addColumn!('users', { name: 'n', type: 'int' })]),
      /op.addColumn takes the table, the column name and its definition.*op.addColumn\('users', 'full_name'/,
    ],
    [
      'addUnique with { name, columns }',
      old((op) => [op.addUnique!('users', { name: 'k', columns: ['email'] })]),
      /op.addUnique takes the table, the columns, then the options/,
    ],
    [
      'notNull',
      old((op) => [op.addColumn!('users', 'n', { type: 'int', notNull: true, default: 0 })]),
      /option `column.notNull` is an old word: write `nullable: false`/,
    ],
    [
      'expr',
      old((op) => [op.alterColumn!('users', 'age', { check: { name: 'c', expr: 'age > 0' } })]),
      /option `check.expr` is an old word: write `expression`/,
    ],
    [
      'alterColumn name',
      old((op) => [op.alterColumn!('users', 'age', { name: 'years' })]),
      /option `name` is an old word: write `to` \(the new name\)/,
    ],
    [
      'replaceTable notNull',
      old((op) => [
        op.replaceTable!('users', {
          columns: [{ name: 'id', type: 'int', notNull: true }],
          primaryKey: ['id'],
        }),
      ]),
      /option `columns\[0\].notNull` is an old word: write `nullable`/,
    ],
    [
      'renameColumn data with from',
      mig(() => [{ kind: 'renameColumn', table: { name: 'users' }, from: 'a', to: 'b' }]),
      /option `from` is an old word: write `column` \(the current name\)/,
    ],
    [
      'a default written as SQL text',
      mig((op) => [op.alterColumn('users', 'email', { default: "'none'" })]),
      /option `default` is a literal value, as in db.addColumn, and "'none'" reads as SQL \| Write "none" for the value, or \{ sql: "'none'" \} for the expression/,
    ],
    [
      'a default written as a call',
      mig((op) => [op.addColumn('users', 'at', { type: 'timestamptz', default: 'now()' })]),
      /option `column.default` .* "now\(\)" reads as SQL \| Write \{ sql: "now\(\)" \} for the expression/,
    ],
    [
      'a stored createIndex',
      mig(() => [{ kind: 'createIndex', table: 'users', name: 'i', columns: ['a'] }]),
      /not an online operation \("createIndex"\)\. \| It is called addIndex now/,
    ],
  ])('names the new word for an old one: %s', (_label, def, re) => {
    expect(reason(def)).toMatch(re);
  });

  test('refuses non-online definitions and up/down functions', () => {
    expect(reason(defineMigration({ operations: () => [] }))).toMatch(/Not an online migration/);
    expect(reason(defineMigration({ online: true, operations: () => [], up: () => {} }))).toMatch(
      /operations only/,
    );
  });
});
