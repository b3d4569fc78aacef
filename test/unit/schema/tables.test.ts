/** Tables: created with their members, dropped, renamed only when asked, candidates otherwise. */
import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../../src/schema/diff/index.js';
import { renameInText } from '../../../src/schema/diff/renames.js';
import { column, constraint, index, model, pub, show, table, trigger } from './builders.js';

const users = table('users', {
  comment: 'people',
  columns: [
    column('id', 'bigint', { nullable: false, identity: 'always' }),
    column('email', 'text', { nullable: false, comment: 'login' }),
    column('org_id', 'integer', { storage: 'main' }),
  ],
  constraints: [
    constraint('users_pkey', 'primaryKey', ['id'], 'PRIMARY KEY (id)', { index: 'users_pkey' }),
    constraint('users_org_fk', 'foreignKey', ['org_id'], 'FOREIGN KEY (org_id) REFERENCES orgs(id)', {
      references: { table: pub('orgs'), columns: ['id'] },
    }),
    constraint('users_email_check', 'check', ['email'], "CHECK ((email <> ''::text))", { validated: false }),
  ],
  indexes: [
    index('users_pkey', ['id'], { unique: true, primary: true, constraint: 'users_pkey' }),
    index('users_email_idx', ['email'], { comment: 'lookups' }),
  ],
  triggers: [trigger('users_touch')],
});
const orgs = table('orgs', {
  columns: [column('id', 'integer', { nullable: false })],
  constraints: [constraint('orgs_pkey', 'primaryKey', ['id'], 'PRIMARY KEY (id)', { index: 'orgs_pkey' })],
  indexes: [index('orgs_pkey', ['id'], { unique: true, primary: true, constraint: 'orgs_pkey' })],
});

describe('tables', () => {
  it('creates a table with createTable, then what CREATE TABLE cannot hold, each in its phase', () => {
    const diff = diffSchemas(model(), model({ tables: [users, orgs] }));
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "createTables: create table public.users",
        "createTables: create table public.orgs",
        "alterTables: ALTER TABLE ONLY "public"."users" ALTER COLUMN "org_id" SET STORAGE MAIN ⟲ ALTER TABLE ONLY "public"."users" ALTER COLUMN "org_id" SET STORAGE DEFAULT",
        "createConstraints: add constraint users_email_check on public.users",
        "createIndexes: add index users_email_idx on public.users",
        "createForeignKeys: add constraint users_org_fk on public.users",
        "createTriggers: CREATE TRIGGER "users_touch" BEFORE INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION touch() ⟲ DROP TRIGGER "users_touch" ON "public"."users"",
      ]
    `);
    const create = diff.changes.find((c) => c.operation.kind === 'createTable')?.operation;
    expect(create).toMatchInlineSnapshot(`
      {
        "columns": [
          {
            "identity": "always",
            "name": "id",
            "nullable": false,
            "type": "bigint",
          },
          {
            "comment": "login",
            "name": "email",
            "nullable": false,
            "type": "text",
          },
          {
            "name": "org_id",
            "type": "integer",
          },
        ],
        "comment": "people",
        "constraints": [
          {
            "definition": "PRIMARY KEY (id)",
            "name": "users_pkey",
            "type": "raw",
          },
        ],
        "kind": "createTable",
        "table": {
          "name": "users",
          "schema": "public",
        },
      }
    `);
  });

  it('drops a table, flagged as deleting data', () => {
    const diff = diffSchemas(model({ tables: [orgs] }), model());
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "dropTables: drop table public.orgs [deletesData]",
      ]
    `);
  });

  it('reports a dropped and an added table with the same columns as a candidate, and renames only when asked', () => {
    const people = { ...orgs, name: 'teams' };
    const from = model({ tables: [orgs] });
    const to = model({ tables: [people] });
    const guessed = diffSchemas(from, to);
    expect(guessed.renameCandidates).toEqual([
      { kind: 'table', from: pub('orgs'), to: pub('teams'), reason: 'same columns (id integer)' },
    ]);
    expect(guessed.changes.map((c) => c.operation.kind)).toEqual(['dropTable', 'createTable']);
    const renamed = diffSchemas(from, to, { renames: { tables: [{ from: pub('orgs'), to: pub('teams') }] } });
    expect(renamed.renameCandidates).toEqual([]);
    expect(show(renamed.changes)).toMatchInlineSnapshot(`
      [
        "renameTables: rename table public.orgs to teams",
      ]
    `);
  });

  it('writes a partitioned table and its partition as SQL; flags one whose key was not read', () => {
    const unread = table('events', { partitioned: true, partitionKey: '', columns: [column('at', 'date')] });
    expect(diffSchemas(model(), model({ tables: [unread] })).changes[0]?.hazards).toEqual([
      { kind: 'needsReview', reason: 'the partition key was not read: write it after PARTITION BY' },
    ]);
    const parent = { ...unread, partitionKey: 'RANGE (at)' };
    const child = table('events_2024', {
      columns: [column('at', 'date')],
      partitionOf: { table: pub('events'), bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" },
    });
    expect(show(diffSchemas(model(), model({ tables: [parent, child] })).changes)).toMatchInlineSnapshot(`
      [
        "createTables: CREATE TABLE "public"."events" ("at" date) PARTITION BY RANGE (at) ⟲ DROP TABLE "public"."events"",
        "createTables: CREATE TABLE "public"."events_2024" PARTITION OF "public"."events" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') ⟲ DROP TABLE "public"."events_2024"",
      ]
    `);
  });

  it('changes table settings in place: options, row security, replica identity, comment', () => {
    const before = table('t', { columns: [column('id', 'integer')], options: ['fillfactor=70'] });
    const after = {
      ...before,
      options: ['fillfactor=80', 'autovacuum_enabled=false'],
      rowSecurity: true,
      replicaIdentity: 'full' as const,
      comment: 'now documented',
    };
    expect(
      show(diffSchemas(model({ tables: [before] }), model({ tables: [after] })).changes),
    ).toMatchInlineSnapshot(`
      [
        "alterTables: ALTER TABLE "public"."t" SET (fillfactor=80, autovacuum_enabled=false) ⟲ ALTER TABLE "public"."t" RESET (autovacuum_enabled);
      ALTER TABLE "public"."t" SET (fillfactor=70)",
        "createTriggers: ALTER TABLE "public"."t" ENABLE ROW LEVEL SECURITY ⟲ ALTER TABLE "public"."t" DISABLE ROW LEVEL SECURITY",
        "createTriggers: ALTER TABLE "public"."t" REPLICA IDENTITY FULL ⟲ ALTER TABLE "public"."t" REPLICA IDENTITY DEFAULT",
        "comments: COMMENT ON TABLE "public"."t" IS 'now documented' ⟲ COMMENT ON TABLE "public"."t" IS NULL",
      ]
    `);
  });

  it('renames the keys and indexes named after a renamed table, and reads texts after column renames', () => {
    const people = table('people', {
      columns: [column('id', 'integer', { nullable: false }), column('mail', 'text')],
      constraints: [
        constraint('people_pkey', 'primaryKey', ['id'], 'PRIMARY KEY (id)', { index: 'people_pkey' }),
      ],
      indexes: [
        index('people_pkey', ['id'], { unique: true, primary: true, constraint: 'people_pkey' }),
        index('people_mail_idx', [], { definition: 'USING btree (lower(mail))', dependsOn: ['mail'] }),
      ],
    });
    const users = table('users', {
      columns: [column('id', 'integer', { nullable: false }), column('email', 'text')],
      constraints: [
        constraint('users_pkey', 'primaryKey', ['id'], 'PRIMARY KEY (id)', { index: 'users_pkey' }),
      ],
      indexes: [
        index('users_pkey', ['id'], { unique: true, primary: true, constraint: 'users_pkey' }),
        index('users_mail_idx', [], { definition: 'USING btree (lower(email))', dependsOn: ['email'] }),
      ],
    });
    const diff = diffSchemas(model({ tables: [people] }), model({ tables: [users] }), {
      renames: {
        tables: [{ from: pub('people'), to: pub('users') }],
        columns: [{ table: pub('users'), from: 'mail', to: 'email' }],
      },
    });
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "renameTables: rename table public.people to users",
        "renameTables: ALTER TABLE "public"."users" RENAME CONSTRAINT "people_pkey" TO "users_pkey" ⟲ ALTER TABLE "public"."users" RENAME CONSTRAINT "users_pkey" TO "people_pkey"",
        "renameTables: ALTER INDEX "public"."people_mail_idx" RENAME TO "users_mail_idx" ⟲ ALTER INDEX "public"."users_mail_idx" RENAME TO "people_mail_idx"",
        "renameTables: rename column public.users.mail to email",
      ]
    `);
  });

  it('rewrites a renamed column where it stands alone, not inside longer or qualified names', () => {
    expect(renameInText('lower((mail)::text) || mailer || t.mail || "mail"', 'mail', 'e mail')).toBe(
      'lower(("e mail")::text) || mailer || t.mail || "mail"',
    );
  });
});
