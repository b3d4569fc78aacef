/** What replaceTable carries, narrowed from the schema model: letters, quoting and blockers. */
import { expect, test } from 'vitest';
import { tableDefinition } from '../../../src/online/operations/replace-table/catalog.js';
import type { Sequence } from '../../../src/schema/model.js';
import { carriedColumn, column, constraint, index, table, trigger } from '../../helpers/schema-model.js';

const identity: Sequence = {
  schema: 'public',
  name: 'items_id_seq',
  type: 'integer',
  start: '100',
  increment: '1',
  min: '1',
  max: '2147483647',
  cache: '1',
  cycle: false,
  ownedBy: { table: { schema: 'public', name: 'items' }, column: 'id' },
  identity: true,
  comment: null,
};

const items = table('items', {
  owner: 'App Owner',
  comment: 'the items',
  options: ['fillfactor=80'],
  rowSecurity: true,
  replicaIdentity: 'index',
  columns: [
    column('id', 'integer', { nullable: false, identity: 'by default' }),
    column('code', 'text', {
      nullable: false,
      collation: { schema: 'pg_catalog', name: 'C' },
      storage: 'main',
    }),
    column('total', 'numeric', { generated: '(qty * 2)', dependsOn: ['qty'], statistics: 500 }),
    column('qty', 'integer', { default: '1', comment: 'how many' }),
  ],
  constraints: [
    constraint('items_pkey', 'primaryKey', ['id'], 'PRIMARY KEY (id)', { index: 'items_pkey' }),
    constraint('items_qty_check', 'check', ['qty'], 'CHECK ((qty >= 0))', {
      validated: false,
      comment: 'no negatives',
    }),
    constraint('items_code_key', 'unique', ['code'], 'UNIQUE (code)', { index: 'items_code_key' }),
  ],
  indexes: [
    index('items_pkey', ['id'], { unique: true, primary: true, constraint: 'items_pkey' }),
    index('items_code_key', ['code'], { unique: true, constraint: 'items_code_key', replicaIdentity: true }),
    index('items_lower', [], {
      expressions: true,
      definition: 'USING btree (lower(code))',
      dependsOn: ['code'],
    }),
  ],
  triggers: [
    trigger('Touch', { fires: 'BEFORE INSERT OR UPDATE', events: ['insert', 'update'], enabled: 'replica' }),
  ],
  policies: [
    {
      name: 'items_app',
      permissive: true,
      command: 'all',
      roles: ['public', 'App'],
      using: '(qty > 0)',
      check: null,
      comment: null,
      dependsOn: ['qty'],
    },
  ],
});

test('a table carried whole: every part in the letters and quoting replaceTable writes', () => {
  expect(tableDefinition(items, [identity])).toEqual({
    owner: '"App Owner"',
    comment: 'the items',
    reloptions: ['fillfactor=80'],
    rowSecurity: true,
    forceRowSecurity: false,
    replicaIdentity: 'i',
    replicaIndex: 'items_code_key',
    columns: [
      carriedColumn('id', 'integer', { notNull: true, identity: 'd' }),
      carriedColumn('code', 'text', { notNull: true, collation: '"pg_catalog"."C"', storage: 'm' }),
      carriedColumn('total', 'numeric', { generated: '(qty * 2)', statistics: 500, uses: ['qty'] }),
      carriedColumn('qty', 'integer', { default: '1', comment: 'how many' }),
    ],
    primaryKey: 'PRIMARY KEY (id)',
    indexes: [
      { name: 'items_lower', def: 'btree (lower(code))', unique: false, comment: null, columns: ['code'] },
    ],
    constraints: [
      {
        name: 'items_qty_check',
        type: 'c',
        def: 'CHECK ((qty >= 0)) NOT VALID',
        comment: 'no negatives',
        columns: ['qty'],
      },
      { name: 'items_code_key', type: 'u', def: 'UNIQUE (code)', comment: null, columns: ['code'] },
    ],
    triggers: [
      {
        name: 'Touch',
        def: 'CREATE TRIGGER "Touch" BEFORE INSERT OR UPDATE',
        tail: 'FOR EACH ROW EXECUTE FUNCTION touch()',
        enabled: 'R',
        rowBefore: true,
        comment: null,
        columns: [],
      },
    ],
    policies: [
      {
        name: 'items_app',
        def: '',
        permissive: true,
        cmd: '*',
        roles: ['PUBLIC', '"App"'],
        using: '(qty > 0)',
        check: null,
        comment: null,
        columns: ['qty'],
      },
    ],
    identities: [
      {
        column: 'id',
        mode: 'd',
        schema: 'public',
        sequence: 'items_id_seq',
        increment: '1',
        min: '1',
        max: '2147483647',
        start: '100',
        cache: '1',
        cycle: false,
        customMax: false,
      },
    ],
    blockers: [],
  });
});

test('what cannot be carried is listed, one description each, in a stable order', () => {
  const blocked = table('items', {
    partitionOf: { table: { schema: 'public', name: 'all_items' }, bound: 'DEFAULT' },
    tablespace: 'fast',
    rules: [{ name: 'keep', definition: 'CREATE RULE keep …' }],
    statistics: [{ schema: 'public', name: 'items_stats', definition: 'CREATE STATISTICS …' }],
    constraints: [
      constraint('items_parent_fk', 'foreignKey', ['parent'], 'FOREIGN KEY (parent) REFERENCES items(id)', {
        references: { table: { schema: 'public', name: 'items' }, columns: ['id'] },
      }),
    ],
    indexes: [index('items_odd', ['id'], { definition: 'something else' })],
    dependents: [
      { kind: 'view', view: { schema: 'public', name: 'cheap_items' } },
      { kind: 'view', view: { schema: 'sluice_1_x', name: 'items' } },
      { kind: 'view', view: { schema: 'Reports', name: 'items by day' } },
      { kind: 'publication', name: 'pub' },
      { kind: 'child', table: { schema: 'public', name: 'old_items' } },
      { kind: 'foreignKey', table: { schema: 'public', name: 'orders' }, name: 'orders_item_fk' },
    ],
  });
  expect(tableDefinition(blocked, []).blockers).toEqual([
    'rule "keep" on the table',
    'view cheap_items, which reads the table',
    'view "Reports"."items by day", which reads the table',
    'publication "pub"',
    'extended statistics "items_stats"',
    'inheritance (items inherits all_items)',
    'inheritance (old_items inherits items)',
    'table type (it is a partitioned, typed or non-default-tablespace table)',
    'foreign key "orders_item_fk" of table orders, which references it',
    'foreign key "items_parent_fk" from the table to itself (it would keep pointing at the old table)',
    'index "items_odd" (its definition could not be read: something else)',
  ]);
});
