/** The planner's view of the schema model: what it keeps, leaves out and renames. */
import { expect, test } from 'vitest';
import { schemaInfo } from '../../../src/online/introspect.js';
import { emptySchemaModel } from '../../../src/schema/model.js';
import { column, constraint, index, table } from '../../helpers/schema-model.js';

test('tables become the planner view: not partitions, not sluice temporaries', () => {
  const users = table('users', {
    columns: [
      column('id', 'bigint', { nullable: false, identity: 'by default' }),
      column('age', 'integer', { default: '0' }),
      column('twice', 'integer', { generated: '(age * 2)' }),
      column('_sluice_age', 'text'),
    ],
    constraints: [
      constraint('users_pkey', 'primaryKey', ['id'], 'PRIMARY KEY (id)', { index: 'users_pkey' }),
      constraint('users_age_check', 'check', ['age'], 'CHECK ((age > 0))', { validated: false }),
      constraint('users_org_fk', 'foreignKey', ['age'], 'FOREIGN KEY (age) REFERENCES app.orgs(id)', {
        references: { table: { schema: 'app', name: 'orgs' }, columns: ['id'] },
      }),
    ],
    indexes: [
      index('users_pkey', ['id', 'age'], { unique: true, primary: true, constraint: 'users_pkey' }),
      index('users_lower', [], { expressions: true }),
      index('users_partial', ['age'], { partial: true, method: 'hash' }),
    ],
  });
  const info = schemaInfo({
    ...emptySchemaModel(),
    tables: [
      users,
      table('_sluice_users'),
      table('events_2024', { partitionOf: { table: { schema: 'public', name: 'events' }, bound: '' } }),
      table('events', { partitioned: true }),
    ],
  });
  expect([...info.keys()]).toEqual(['users', 'events']);
  expect(info.get('users')).toEqual({
    name: 'users',
    columns: [
      { name: 'id', type: 'bigint', notNull: true, default: null, special: true },
      { name: 'age', type: 'integer', notNull: false, default: '0', special: false },
      { name: 'twice', type: 'integer', notNull: false, default: '(age * 2)', special: true },
    ],
    // The primary key's index columns, INCLUDE columns too.
    primaryKey: ['id', 'age'],
    indexes: [
      {
        name: 'users_pkey',
        columns: ['id', 'age'],
        unique: true,
        primary: true,
        complex: false,
        constraint: 'users_pkey',
        method: 'btree',
      },
      {
        name: 'users_lower',
        columns: [],
        unique: false,
        primary: false,
        complex: true,
        constraint: null,
        method: 'btree',
      },
      {
        name: 'users_partial',
        columns: ['age'],
        unique: false,
        primary: false,
        complex: true,
        constraint: null,
        method: 'hash',
      },
    ],
    constraints: [
      { name: 'users_pkey', type: 'p', columns: ['id'], def: 'PRIMARY KEY (id)', refTable: null },
      {
        name: 'users_age_check',
        type: 'c',
        columns: ['age'],
        def: 'CHECK ((age > 0)) NOT VALID',
        refTable: null,
      },
      {
        name: 'users_org_fk',
        type: 'f',
        columns: ['age'],
        def: 'FOREIGN KEY (age) REFERENCES app.orgs(id)',
        refTable: 'orgs',
      },
    ],
  });
  expect(info.get('events')?.primaryKey).toEqual([]);
});
