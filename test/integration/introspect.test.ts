/**
 * The introspector reads a schema holding every object kind of the model, on the real server and on
 * PGlite, into exactly the model the schema describes: whole schemas, named subsets (what captured
 * definitions and replaceTable read), dependents, and the lock-free read the online planner uses.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config/url.js';
import type { Connection, Driver } from '../../src/dialects/dialect.js';
import { createDriver } from '../../src/dialects/index.js';
import { postgresDialect } from '../../src/dialects/postgres/dialect.js';
import { emptySchemaModel, type Table } from '../../src/schema/model.js';
import { POSTGRES_TARGETS, type TestDatabase } from '../helpers/databases.js';
import { column, table, trigger } from '../helpers/schema-model.js';
import { EVERY_KIND } from './introspect-fixture.js';

const none = {
  deferrable: false,
  initiallyDeferred: false,
  references: null,
  comment: null,
  validated: true,
};
const plain = { expressions: false, partial: false, predicate: null, replicaIdentity: false, valid: true };

/** `app.users` as the fixture declares it. */
const USERS: Table = table('users', {
  schema: 'app',
  options: ['fillfactor=70'],
  rowSecurity: true,
  forceRowSecurity: true,
  replicaIdentity: 'index',
  comment: 'people',
  columns: [
    column('id', 'bigint', { nullable: false, identity: 'always' }),
    column('n', 'integer', { nullable: false, default: "nextval('app.users_n_seq'::regclass)" }),
    column('email', 'character varying(255)', {
      nullable: false,
      collation: { schema: 'pg_catalog', name: 'C' },
      comment: 'login',
    }),
    column('mood', 'app.mood', { default: "'ok'::app.mood" }),
    column('age', 'integer'),
    column('doubled', 'integer', { generated: '(age * 2)', dependsOn: ['age'] }),
    column('org_id', 'integer'),
    column('period', 'int4range'),
    column('note', 'text', { storage: 'main', statistics: 500 }),
  ],
  constraints: [
    {
      ...none,
      name: 'users_age_check',
      type: 'check',
      columns: ['age'],
      definition: 'CHECK ((age > 0))',
      validated: false,
      index: null,
      comment: 'no negatives',
      dependsOn: ['age'],
    },
    {
      ...none,
      name: 'users_email_key',
      type: 'unique',
      columns: ['email'],
      definition: 'UNIQUE (email) DEFERRABLE INITIALLY DEFERRED',
      deferrable: true,
      initiallyDeferred: true,
      index: 'users_email_key',
      dependsOn: ['email'],
    },
    {
      ...none,
      name: 'users_n_key',
      type: 'unique',
      columns: ['n'],
      definition: 'UNIQUE (n)',
      index: 'users_n_key',
      dependsOn: ['n'],
    },
    {
      ...none,
      name: 'users_no_overlap',
      type: 'exclusion',
      columns: ['period'],
      definition: 'EXCLUDE USING gist (period WITH &&)',
      index: 'users_no_overlap',
      dependsOn: ['period'],
    },
    {
      ...none,
      name: 'users_org_fk',
      type: 'foreignKey',
      columns: ['org_id'],
      definition: 'FOREIGN KEY (org_id) REFERENCES app.orgs(id) ON DELETE CASCADE',
      references: { table: { schema: 'app', name: 'orgs' }, columns: ['id'] },
      index: null,
      dependsOn: ['org_id'],
    },
    {
      ...none,
      name: 'users_pkey',
      type: 'primaryKey',
      columns: ['id'],
      definition: 'PRIMARY KEY (id)',
      index: 'users_pkey',
      dependsOn: ['id'],
    },
  ],
  indexes: [
    {
      ...plain,
      name: 'users_email_key',
      unique: true,
      primary: false,
      method: 'btree',
      columns: ['email'],
      definition: 'USING btree (email)',
      constraint: 'users_email_key',
      comment: null,
      dependsOn: ['email'],
    },
    {
      ...plain,
      name: 'users_lower_email',
      unique: true,
      primary: false,
      method: 'btree',
      columns: [],
      expressions: true,
      partial: true,
      predicate: '(note IS NULL)',
      definition: 'USING btree (lower((email)::text)) WHERE (note IS NULL)',
      constraint: null,
      comment: 'one per address',
      dependsOn: ['email', 'note'],
    },
    {
      ...plain,
      name: 'users_n_key',
      unique: true,
      primary: false,
      method: 'btree',
      columns: ['n'],
      definition: 'USING btree (n)',
      constraint: 'users_n_key',
      replicaIdentity: true,
      comment: null,
      dependsOn: ['n'],
    },
    {
      ...plain,
      name: 'users_no_overlap',
      unique: false,
      primary: false,
      method: 'gist',
      columns: ['period'],
      definition: 'USING gist (period)',
      constraint: 'users_no_overlap',
      comment: null,
      dependsOn: ['period'],
    },
    {
      ...plain,
      name: 'users_org_inc',
      unique: false,
      primary: false,
      method: 'btree',
      columns: ['org_id', 'age'],
      definition: 'USING btree (org_id) INCLUDE (age)',
      constraint: null,
      comment: null,
      dependsOn: ['age', 'org_id'],
    },
    {
      ...plain,
      name: 'users_pkey',
      unique: true,
      primary: true,
      method: 'btree',
      columns: ['id'],
      definition: 'USING btree (id)',
      constraint: 'users_pkey',
      comment: null,
      dependsOn: ['id'],
    },
  ],
  triggers: [
    trigger('users_touch', {
      fires: 'BEFORE INSERT OR UPDATE OF note',
      action: 'FOR EACH ROW WHEN ((new.age IS NOT NULL)) EXECUTE FUNCTION app.touch()',
      events: ['insert', 'update'],
      enabled: 'disabled',
      function: { schema: 'app', name: 'touch' },
      columns: ['note'],
      comment: 'touches',
      dependsOn: ['age', 'note'],
    }),
  ],
  policies: [
    {
      name: 'users_adults',
      permissive: false,
      command: 'update',
      roles: ['public'],
      using: '(age >= 18)',
      check: '(age < 200)',
      comment: 'grown-ups',
      dependsOn: ['age'],
    },
  ],
  rules: [
    {
      name: 'users_keep',
      definition:
        'CREATE RULE users_keep AS\n    ON DELETE TO app.users\n   WHERE (old.age > 100) DO INSTEAD NOTHING;',
    },
  ],
  statistics: [
    {
      schema: 'app',
      name: 'users_stats',
      definition: 'CREATE STATISTICS app.users_stats ON age, org_id FROM app.users',
    },
  ],
});

const SEQUENCES = {
  counter: {
    schema: 'app',
    name: 'counter',
    type: 'integer',
    start: '5',
    increment: '2',
    min: '1',
    max: '1000',
    cache: '3',
    cycle: true,
    ownedBy: null,
    identity: false,
    comment: 'numbers',
  },
  id: {
    schema: 'app',
    name: 'users_id_seq',
    type: 'bigint',
    start: '10',
    increment: '1',
    min: '1',
    max: '9223372036854775807',
    cache: '1',
    cycle: false,
    ownedBy: { table: { schema: 'app', name: 'users' }, column: 'id' },
    identity: true,
    comment: null,
  },
  n: {
    schema: 'app',
    name: 'users_n_seq',
    type: 'integer',
    start: '1',
    increment: '1',
    min: '1',
    max: '2147483647',
    cache: '1',
    cycle: false,
    ownedBy: { table: { schema: 'app', name: 'users' }, column: 'n' },
    identity: false,
    comment: null,
  },
};

describe.each(POSTGRES_TARGETS)('introspection on $label', ({ create }) => {
  let db: TestDatabase;
  let driver: Driver;
  let conn: Connection;
  // The tests only read (the one that sets the search path resets it): one database per target.
  beforeAll(async () => {
    db = await create();
    driver = await createDriver(parseDatabaseUrl(db.url));
    conn = await driver.connect();
    await conn.query(EVERY_KIND);
  });
  afterAll(async () => {
    await driver.close();
    await db.drop();
  });

  it('reads a whole schema: every table, view, sequence and enum with all they hold', async () => {
    const model = await postgresDialect.introspect(conn, { schemas: ['app'] });
    expect(model.tables.map((t) => t.name)).toEqual(['admins', 'events', 'events_2024', 'orgs', 'users']);
    const users = model.tables.find((t) => t.name === 'users');
    expect(users).toEqual(USERS);
    expect(users?.dependents).toBeUndefined();
    const [admins, events, partition] = model.tables;
    expect(admins).toMatchObject({ inherits: [{ schema: 'app', name: 'users' }], partitionOf: null });
    expect(admins?.columns.map((c) => c.name)).toEqual([...USERS.columns.map((c) => c.name), 'level']);
    expect(events).toMatchObject({
      partitioned: true,
      partitionKey: 'RANGE (at)',
      partitionOf: null,
      inherits: [],
    });
    expect(partition).toMatchObject({
      partitioned: false,
      partitionOf: {
        table: { schema: 'app', name: 'events' },
        bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
      },
      inherits: [],
    });
    expect(model.sequences).toEqual([SEQUENCES.counter, SEQUENCES.id, SEQUENCES.n]);
    expect(model.enums).toEqual([
      { schema: 'app', name: 'mood', values: ['sad', 'ok', 'happy'], comment: 'how it feels' },
    ]);
    // PostgreSQL 16 stopped qualifying columns in printed view bodies: both forms are the server's own.
    expect(model.views).toEqual([
      {
        schema: 'app',
        name: 'adults',
        materialized: false,
        query: expect.stringMatching(
          /^SELECT (users\.)?id,\s+(users\.)?email\s+FROM app\.users\s+WHERE \((users\.)?age >= 18\)$/,
        ),
        options: { security_barrier: 'true' },
        comment: 'grown-ups only',
        columns: [
          { name: 'id', type: 'bigint', comment: null },
          { name: 'email', type: 'character varying(255)', comment: null },
        ],
        indexes: [],
        triggers: [],
      },
      {
        schema: 'app',
        name: 'org_sizes',
        materialized: true,
        query: expect.stringMatching(
          /^SELECT (users\.)?org_id,\s+count\(\*\) AS n\s+FROM app\.users\s+GROUP BY (users\.)?org_id$/,
        ),
        options: {},
        comment: null,
        columns: [
          { name: 'org_id', type: 'integer', comment: null },
          { name: 'n', type: 'bigint', comment: null },
        ],
        indexes: [],
        triggers: [],
      },
    ]);
  });

  it('reads every user schema by default, and nothing of the system ones', async () => {
    const model = await postgresDialect.introspect(conn);
    const schemas = new Set(
      [...model.tables, ...model.views, ...model.sequences, ...model.enums].map((o) => o.schema),
    );
    expect([...schemas].sort()).toEqual(['app', 'other']);
  });

  it('reads named objects only, each once, with the sequences their tables own', async () => {
    const model = await postgresDialect.introspect(conn, {
      only: {
        tables: [{ schema: 'app', name: 'users' }, { schema: 'app', name: 'users' }, { name: 'users' }],
        views: [
          { schema: 'app', name: 'adults' },
          { schema: 'app', name: 'users' },
        ],
        enums: [
          { schema: 'app', name: 'mood' },
          { schema: 'app', name: 'users' },
        ],
      },
    });
    // `users` without a schema is not on the search path (public): left out, like a missing name.
    expect(model.tables).toEqual([USERS]);
    expect(model.sequences).toEqual([SEQUENCES.id, SEQUENCES.n]);
    expect(model.views.map((v) => v.name)).toEqual(['adults']);
    expect(model.enums.map((e) => e.name)).toEqual(['mood']);
    expect(await postgresDialect.introspect(conn, { only: {} })).toEqual(emptySchemaModel());
  });

  it('finds unqualified names through the search path, and prints for it as the server does', async () => {
    await conn.query('SET search_path = app, public');
    const model = await postgresDialect
      .introspect(conn, { only: { tables: [{ name: 'users' }] } })
      .finally(() => conn.query('RESET search_path'));
    const users = model.tables[0];
    expect(users?.schema).toBe('app');
    // Texts name other objects as the server prints them for the session: unqualified when visible.
    expect(users?.columns.find((c) => c.name === 'mood')).toMatchObject({
      type: 'mood',
      default: "'ok'::mood",
    });
  });

  it('reads what depends on a table from outside it, when asked', async () => {
    const model = await postgresDialect.introspect(conn, {
      only: {
        tables: [
          { schema: 'app', name: 'users' },
          { schema: 'app', name: 'orgs' },
        ],
      },
      dependents: true,
    });
    expect(model.tables.map((t) => [t.name, t.dependents])).toEqual([
      ['orgs', [{ kind: 'foreignKey', table: { schema: 'app', name: 'users' }, name: 'users_org_fk' }]],
      [
        'users',
        [
          { kind: 'child', table: { schema: 'app', name: 'admins' } },
          {
            kind: 'foreignKey',
            table: { schema: 'other', name: 'memberships' },
            name: 'memberships_user_id_fkey',
          },
          { kind: 'view', view: { schema: 'app', name: 'adults' } },
          { kind: 'view', view: { schema: 'app', name: 'org_sizes' } },
          { kind: 'view', view: { schema: 'other', name: 'emails' } },
        ],
      ],
    ]);
  });

  it('without printed definitions, keeps the structure and leaves out only what the printers give', async () => {
    const model = await postgresDialect.introspect(conn, { schemas: ['app'], printed: false });
    const users = model.tables.find((t) => t.name === 'users');
    expect(users).toEqual({
      ...USERS,
      indexes: USERS.indexes.map((i) => ({ ...i, definition: '', predicate: null })),
      triggers: [],
      policies: [],
      rules: [],
      statistics: [],
    });
    expect(model.tables.find((t) => t.name === 'events_2024')?.partitionOf?.bound).toBe('');
    expect(model.views).toEqual([]);
    expect(model.sequences).toHaveLength(3);
  });
});

describe('introspection on the real server, beside a lock', () => {
  // Column defaults and constraint definitions are printed in any case: `orgs` has neither.
  it('without printed definitions, does not wait for a table with only indexes that another session holds', async () => {
    const [target] = POSTGRES_TARGETS;
    const db = await target!.create();
    const driver = await createDriver(parseDatabaseUrl(db.url));
    const conn = await driver.connect();
    const holder = new pg.Client({ connectionString: db.url });
    try {
      await conn.query(EVERY_KIND);
      await holder.connect();
      await holder.query('BEGIN; LOCK TABLE app.orgs IN ACCESS EXCLUSIVE MODE');
      await conn.query(`SET lock_timeout = '2s'`);
      const model = await postgresDialect.introspect(conn, { schemas: ['app'], printed: false });
      expect(model.tables.find((t) => t.name === 'orgs')?.indexes.map((i) => i.name)).toEqual(['orgs_pkey']);
      // Printing the definitions waits for the lock (what `printed: false` is for).
      await expect(postgresDialect.introspect(conn, { schemas: ['app'] })).rejects.toMatchObject({
        code: '55P03',
      });
    } finally {
      await holder.end();
      await driver.close();
      await db.drop();
    }
  });
});
