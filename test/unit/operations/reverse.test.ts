import { describe, expect, it } from 'vitest';
import { compileOperations } from '../../../src/dialects/postgres/compiler.js';
import type { Captured, CapturedColumn } from '../../../src/operations/captured.js';
import { definitionOf, deriveDown } from '../../../src/operations/registry.js';
import type { Operation } from '../../../src/operations/types.js';
import { existing, one, record } from './helpers.js';

const users = { schema: 'app', name: 'users' };
const column = (over: Partial<CapturedColumn> = {}): CapturedColumn => ({
  name: 'email',
  type: 'character varying(255)',
  nullable: true,
  default: null,
  collation: null,
  identity: null,
  generated: null,
  comment: null,
  ...over,
});

/** The automatic down of `ops`, compiled (every table exists: the safe paths apply). */
function downSql(ops: Operation[], captured: (Captured | null | undefined)[] = []): string {
  const down = deriveDown(ops, captured);
  if (!down.ok) throw new Error(down.reason);
  return compileOperations(down.operations, existing)
    .map((s) => s.sql)
    .join('\n');
}

describe('automatic down', () => {
  it('reverses additive operations in reverse order', async () => {
    const ops = await record(async (db) => {
      await db.createTable('app.users', { id: 'bigint' });
      await db.addColumn('app.users', 'email', 'text');
      await db.addIndex('app.users', 'email');
      await db.addForeignKey('app.users', 'id', { references: { table: 'app.accounts' } });
      await db.addCheck('app.users', 'users_email_check', "email <> ''");
      await db.addUnique('app.users', 'email');
      await db.renameColumn('app.users', 'email', 'mail');
      await db.renameTable('app.users', 'people');
      await db.createEnum('app.mood', ['a']);
      await db.createView('app.v', 'SELECT 1');
      await db.sql('CREATE EXTENSION x', { down: 'DROP EXTENSION x' });
    });
    expect(downSql(ops)).toMatchInlineSnapshot(`
      "DROP EXTENSION x
      DROP VIEW "app"."v"
      DROP TYPE "app"."mood"
      ALTER TABLE "app"."people" RENAME TO "users"
      ALTER TABLE "app"."users" RENAME COLUMN "mail" TO "email"
      ALTER TABLE "app"."users" DROP CONSTRAINT "users_email_key"
      ALTER TABLE "app"."users" DROP CONSTRAINT "users_email_check"
      ALTER TABLE "app"."users" DROP CONSTRAINT "users_id_fkey"
      DROP INDEX CONCURRENTLY "app"."users_email_idx"
      ALTER TABLE "app"."users" DROP COLUMN "email"
      DROP TABLE "app"."users""
    `);
  });

  it('refuses when an operation is irreversible, naming it', async () => {
    const ops = await record(async (db) => {
      await db.addColumn('users', 'a', 'int');
      await db.addEnumValue('mood', 'meh');
      await db.dropTable('legacy', { cascade: true });
    });
    expect(deriveDown(ops)).toMatchObject({ ok: false, index: 2 });
    expect(deriveDown(ops.slice(0, 2))).toMatchObject({
      ok: false,
      index: 1,
      reason: 'add value "meh" to enum mood cannot be undone automatically: write a down step',
    });
  });

  it('refuses a drop whose definition was not captured', async () => {
    const ops = await record((db) => db.dropColumn('users', 'email'));
    expect(deriveDown(ops, [])).toMatchObject({
      ok: false,
      reason:
        'drop column users.email needs the definition captured when it ran, and none was recorded: write a down step',
    });
  });

  it('a dropped object that did not exist (IF EXISTS) reverses to nothing', async () => {
    const ops = await record(async (db) => {
      await db.dropTable('t', { ifExists: true });
      await db.dropIndex('t', 'i', { ifExists: true });
      await db.dropConstraint('t', 'c', { ifExists: true });
      await db.dropView('v', { ifExists: true });
      await db.dropEnum('e', { ifExists: true });
    });
    expect(deriveDown(ops, [null, null, null, null, null])).toEqual({ ok: true, operations: [] });
  });
});

describe('reverse from a capture', () => {
  it('dropColumn: the column (NULL for existing rows, then its default), constraints, indexes', async () => {
    const op = await one((db) => db.dropColumn('app.users', 'email'));
    const captured: Captured = {
      kind: 'column',
      table: users,
      column: column({ default: "'n/a'::character varying", collation: 'C', comment: 'mail' }),
      constraints: [
        {
          name: 'users_email_fkey',
          type: 'foreignKey',
          definition: 'FOREIGN KEY (email) REFERENCES app.emails(address)',
          validated: true,
          references: { schema: 'app', name: 'emails' },
          index: null,
          deferrable: false,
        },
        {
          name: 'users_email_key',
          type: 'unique',
          definition: 'UNIQUE (email)',
          validated: true,
          references: null,
          index: 'USING btree (email)',
          deferrable: false,
        },
      ],
      indexes: [
        {
          name: 'users_lower_email_idx',
          unique: false,
          definition: 'USING btree (lower((email)::text))',
          comment: null,
        },
      ],
    };
    const reversed = definitionOf(op).reverse(op, captured)!;
    expect(reversed[0]?.note).toMatchInlineSnapshot(
      `"app.users.email: re-creates the definition only: the data, privileges, triggers, policies and statistics are not restored; the column is added last; existing rows get NULL"`,
    );
    expect(compileOperations(reversed, existing).map((s) => s.sql)).toMatchInlineSnapshot(`
      [
        "ALTER TABLE "app"."users" ADD COLUMN "email" character varying(255) COLLATE "C"",
        "COMMENT ON COLUMN "app"."users"."email" IS 'mail'",
        "ALTER TABLE "app"."users" ALTER COLUMN "email" SET DEFAULT 'n/a'::character varying",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_email_key" ON "app"."users" USING btree (email)",
        "ALTER TABLE "app"."users" ADD CONSTRAINT "users_email_key" UNIQUE USING INDEX "users_email_key"",
        "ALTER TABLE "app"."users" ADD CONSTRAINT "users_email_fkey" FOREIGN KEY (email) REFERENCES app.emails(address) NOT VALID",
        "ALTER TABLE "app"."users" VALIDATE CONSTRAINT "users_email_fkey"",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_lower_email_idx" ON "app"."users" USING btree (lower((email)::text))",
      ]
    `);
  });

  it('dropColumn of a NOT NULL column without default says it fails on a non-empty table', async () => {
    const op = await one((db) => db.dropColumn('app.users', 'email'));
    const captured: Captured = {
      kind: 'column',
      table: users,
      column: column({ nullable: false }),
      constraints: [],
      indexes: [],
    };
    const [add] = definitionOf(op).reverse(op, captured)!;
    expect(add).toMatchObject({ kind: 'addColumn', allowRewrite: true, column: { nullable: false } });
    expect(add?.note).toContain('NOT NULL without a default: this fails if the table has rows');
  });

  it('dropTable: CREATE TABLE with every column and constraint, then indexes and NOT VALID constraints', async () => {
    const op = await one((db) => db.dropTable('app.users'));
    const captured: Captured = {
      kind: 'table',
      table: users,
      columns: [
        column({ name: 'id', type: 'bigserial', nullable: false }),
        column({ name: 'seq', type: 'bigint', nullable: false, identity: 'always' }),
        column({ name: 'email', comment: 'mail' }),
        column({ name: 'len', type: 'integer', generated: 'length((email)::text)' }),
      ],
      constraints: [
        {
          name: 'users_pkey',
          type: 'primaryKey',
          definition: 'PRIMARY KEY (id)',
          validated: true,
          references: null,
          index: 'USING btree (id)',
          deferrable: false,
        },
        {
          name: 'users_len_check',
          type: 'check',
          definition: 'CHECK ((len > 0))',
          validated: false,
          references: null,
          index: null,
          deferrable: false,
        },
      ],
      indexes: [
        { name: 'users_email_idx', unique: true, definition: 'USING btree (email)', comment: 'lookup' },
      ],
      comment: 'people',
    };
    const reversed = definitionOf(op).reverse(op, captured)!;
    expect(reversed[0]?.note).toBe(
      'app.users: re-creates the definition only: the data, privileges, triggers, policies and statistics are not restored',
    );
    expect(compileOperations(reversed, existing).map((s) => s.sql)).toMatchInlineSnapshot(`
      [
        "CREATE TABLE "app"."users" ("id" bigserial NOT NULL, "seq" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "email" character varying(255), "len" integer GENERATED ALWAYS AS (length((email)::text)) STORED, CONSTRAINT "users_pkey" PRIMARY KEY (id))",
        "COMMENT ON TABLE "app"."users" IS 'people'",
        "COMMENT ON COLUMN "app"."users"."email" IS 'mail'",
        "ALTER TABLE "app"."users" ADD CONSTRAINT "users_len_check" CHECK ((len > 0)) NOT VALID",
        "CREATE UNIQUE INDEX "users_email_idx" ON "app"."users" USING btree (email)",
        "COMMENT ON INDEX "app"."users_email_idx" IS 'lookup'",
      ]
    `);
  });

  it('dropIndex, dropConstraint, dropView, dropEnum', async () => {
    const ops = await record(async (db) => {
      await db.dropIndex('app.users', 'users_email_idx');
      await db.dropConstraint('app.users', 'users_email_check');
      await db.dropView('app.v');
      await db.dropEnum('app.mood');
    });
    const captured: Captured[] = [
      {
        kind: 'index',
        table: users,
        index: { name: 'users_email_idx', unique: false, definition: 'USING hash (email)', comment: null },
      },
      {
        kind: 'constraint',
        table: users,
        constraint: {
          name: 'users_email_check',
          type: 'check',
          definition: "CHECK ((email <> ''::text))",
          validated: true,
          references: null,
          index: null,
          deferrable: false,
        },
      },
      {
        kind: 'view',
        view: { schema: 'app', name: 'v' },
        query: 'SELECT 1 AS one',
        options: { security_barrier: 'true' },
        comment: 'v',
      },
      { kind: 'enum', type: { schema: 'app', name: 'mood' }, values: ['sad', 'ok'] },
    ];
    expect(downSql(ops, captured)).toMatchInlineSnapshot(`
      "CREATE TYPE "app"."mood" AS ENUM ('sad', 'ok')
      CREATE VIEW "app"."v" WITH ("security_barrier" = 'true') AS SELECT 1 AS one
      COMMENT ON VIEW "app"."v" IS 'v'
      ALTER TABLE "app"."users" ADD CONSTRAINT "users_email_check" CHECK ((email <> ''::text)) NOT VALID
      ALTER TABLE "app"."users" VALIDATE CONSTRAINT "users_email_check"
      CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_email_idx" ON "app"."users" USING hash (email)"
    `);
  });

  it('alterColumn: restores the type (explicit cast), nullability and default it changed', async () => {
    const op = await one((db) =>
      db.alterColumn('app.users', 'email', { type: 'text', nullable: false, default: 'x' }),
    );
    const captured: Captured = {
      kind: 'column',
      table: users,
      column: column(),
      constraints: [],
      indexes: [],
    };
    expect(downSql([op], [captured])).toMatchInlineSnapshot(
      `"ALTER TABLE "app"."users" ALTER COLUMN "email" DROP DEFAULT, ALTER COLUMN "email" TYPE character varying(255) USING "email"::character varying(255), ALTER COLUMN "email" DROP NOT NULL"`,
    );
    const onlyDefault = await one((db) => db.alterColumn('app.users', 'email', { default: null }));
    const withDefault: Captured = { ...captured, column: column({ default: "'n/a'::text" }) };
    expect(definitionOf(onlyDefault).reverse(onlyDefault, withDefault)).toEqual([
      { kind: 'alterColumn', table: users, column: 'email', default: { sql: "'n/a'::text" } },
    ]);
  });

  it('createView OR REPLACE: restores the previous view, or drops a view that did not exist', async () => {
    const op = await one((db) => db.createView('v', 'SELECT 2', { orReplace: true }));
    const previous: Captured = {
      kind: 'view',
      view: { name: 'v' },
      query: 'SELECT 1',
      options: {},
      comment: null,
    };
    expect(definitionOf(op).needsCapture(op)).toBe(true);
    expect(downSql([op], [previous])).toMatchInlineSnapshot(`
      "DROP VIEW "v"
      CREATE VIEW "v" AS SELECT 1"
    `);
    expect(downSql([op], [null])).toMatchInlineSnapshot(`"DROP VIEW "v""`);
  });
});
