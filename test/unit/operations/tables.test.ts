import { describe, expect, it } from 'vitest';
import { classifyOperation } from '../../../src/operations/registry.js';
import { existing, fresh, one, show } from './helpers.js';

describe('createTable', () => {
  it('renders columns, inline and table constraints, comments', async () => {
    const op = await one((db) =>
      db.createTable(
        'app.orders',
        {
          id: { type: 'bigint', identity: 'always', primaryKey: true },
          user_id: {
            type: 'bigint',
            nullable: false,
            references: { table: 'users', column: 'id', onDelete: 'cascade' },
          },
          code: { type: 'text', collation: 'C', unique: true, comment: "customer's code" },
          total: { type: 'numeric(10,2)', default: 0, check: 'total >= 0' },
          status: { type: 'text', default: 'new' },
          placed_at: { type: 'timestamptz', default: { sql: 'now()' } },
          total_cents: { type: 'bigint', generated: '(total * 100)::bigint' },
        },
        {
          constraints: [
            { type: 'unique', name: 'orders_user_code_key', columns: ['user_id', 'code'] },
            {
              type: 'foreignKey',
              columns: ['status'],
              references: { table: 'app.statuses', columns: ['name'] },
            },
            { type: 'raw', name: 'orders_status_check', definition: "CHECK (status <> '')" },
          ],
          comment: 'Orders',
        },
      ),
    );
    expect(show(op)).toMatchInlineSnapshot(`
      "CREATE TABLE "app"."orders" ("id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "user_id" bigint NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE, "code" text COLLATE "C" UNIQUE, "total" numeric(10,2) DEFAULT 0 CHECK (total >= 0), "status" text DEFAULT 'new', "placed_at" timestamptz DEFAULT now(), "total_cents" bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED, CONSTRAINT "orders_user_code_key" UNIQUE ("user_id", "code"), FOREIGN KEY ("status") REFERENCES "app"."statuses" ("name"), CONSTRAINT "orders_status_check" CHECK (status <> ''))
        [tx] locks: ACCESS EXCLUSIVE app.orders, SHARE ROW EXCLUSIVE users, SHARE ROW EXCLUSIVE app.statuses
      COMMENT ON TABLE "app"."orders" IS 'Orders'
        [tx] locks: SHARE UPDATE EXCLUSIVE app.orders
      COMMENT ON COLUMN "app"."orders"."code" IS 'customer''s code'
        [tx] locks: SHARE UPDATE EXCLUSIVE app.orders"
    `);
    expect(classifyOperation(op)).toBe('additive');
  });

  it('accepts an array of column definitions and a type shorthand', async () => {
    const a = await one((db) => db.createTable('t', [{ name: 'a', type: 'int' }]));
    const b = await one((db) => db.createTable({ schema: 'we.ird', name: 't' }, { a: 'int' }));
    expect(show(a)).toMatchInlineSnapshot(`
      "CREATE TABLE "t" ("a" int)
        [tx] locks: ACCESS EXCLUSIVE t"
    `);
    expect(show(b)).toMatchInlineSnapshot(`
      "CREATE TABLE "we.ird"."t" ("a" int)
        [tx] locks: ACCESS EXCLUSIVE we.ird.t"
    `);
  });
});

describe('dropTable', () => {
  it('drops, with IF EXISTS and CASCADE', async () => {
    expect(show(await one((db) => db.dropTable('app.users')))).toMatchInlineSnapshot(`
      "DROP TABLE "app"."users"
        [tx] locks: ACCESS EXCLUSIVE app.users"
    `);
    expect(
      show(await one((db) => db.dropTable('users', { ifExists: true, cascade: true }))),
    ).toMatchInlineSnapshot(`
      "DROP TABLE IF EXISTS "users" CASCADE
        [tx] locks: ACCESS EXCLUSIVE users"
    `);
    expect(classifyOperation(await one((db) => db.dropTable('users')))).toBe('destructive');
  });
});

describe('renameTable', () => {
  it('renames within the schema', async () => {
    const op = await one((db) => db.renameTable('app.people', 'users'));
    expect(show(op)).toMatchInlineSnapshot(`
      "ALTER TABLE "app"."people" RENAME TO "users"
        [tx] locks: ACCESS EXCLUSIVE app.people"
    `);
    expect(show(op, fresh('app.people'))).toBe(show(op, existing));
    expect(classifyOperation(op)).toBe('transformative');
  });
});

describe('validation', () => {
  it('names the operation, the table and the bad option', async () => {
    await expect(one((db) => db.createTable('t', {}))).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: createTable t: option \`columns\` must define at least one column]`,
    );
    await expect(
      one((db) =>
        db.createTable('t', [
          { name: 'a', type: 'int' },
          { name: 'a', type: 'text' },
        ]),
      ),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: createTable t: option \`columns\` defines column "a" twice]`,
    );
    await expect(
      one((db) =>
        db.createTable(
          't',
          { a: { type: 'int', primaryKey: true } },
          { constraints: [{ type: 'primaryKey', columns: ['a'] }] },
        ),
      ),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: createTable t: option \`primaryKey\` is set more than once]`,
    );
    await expect(
      one((db) => db.createTable('t', { a: { type: 'int', default: 1, identity: 'always' } })),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: createTable t: option \`columns.a\` can have only one of \`default\`, \`identity\` and \`generated\`]`,
    );
    await expect(
      one((db) => db.createTable('t', { a: { type: ' ' } })),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: createTable t: option \`columns.a.type\` must be non-empty SQL such as 'text' or 'varchar(255)', got " "]`,
    );
    await expect(
      one((db) => db.createTable('t', { a: { type: 'int', default: { sql: '' } } })),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: createTable t: option \`columns.a.default\` must be a literal (string, number, boolean) or an expression { sql: 'now()' }]`,
    );
    await expect(one((db) => db.renameTable('t', ''))).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: renameTable t: option \`to\` must be a non-empty name, got ""]`,
    );
    await expect(one((db) => db.dropTable({ name: '' }))).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: dropTable : option \`table\` must name a table like 'users' or 'app.users', got {"name":""}]`,
    );
  });
});
