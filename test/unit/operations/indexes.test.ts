import { describe, expect, it } from 'vitest';
import { classifyOperation, validateOperation } from '../../../src/operations/registry.js';
import type { Operation } from '../../../src/operations/types.js';
import { fresh, one, show } from './helpers.js';

describe('addIndex', () => {
  it('is built CONCURRENTLY outside a transaction on an existing table, with a cleanup for retries', async () => {
    const op = await one((db) => db.addIndex('app.users', ['email']));
    expect(op).toMatchObject({ name: 'users_email_idx' });
    expect(show(op)).toMatchInlineSnapshot(`
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_email_idx" ON "app"."users" ("email")
        [no-tx scans] locks: SHARE UPDATE EXCLUSIVE app.users
        note: built CONCURRENTLY outside a transaction: reads and writes continue during the build"
    `);
    expect(classifyOperation(op)).toBe('additive');
  });

  it('is built plainly on a table created in the same migration', async () => {
    const op = await one((db) => db.addIndex('app.users', ['email']));
    expect(show(op, fresh('app.users'))).toMatchInlineSnapshot(`
      "CREATE INDEX "users_email_idx" ON "app"."users" ("email")
        [tx] locks: SHARE app.users"
    `);
  });

  it('concurrently: false builds it under a SHARE lock', async () => {
    const op = await one((db) => db.addIndex('users', 'email', { concurrently: false }));
    expect(show(op)).toMatchInlineSnapshot(`
      "CREATE INDEX "users_email_idx" ON "users" ("email")
        [tx scans] locks: SHARE users
        note: blocks writes during the build"
    `);
  });

  it('unique, method, expression keys, INCLUDE, WHERE and a comment', async () => {
    const op = await one((db) =>
      db.addIndex('users', ['org_id', { expression: 'lower(email)' }], {
        name: 'users_org_email_idx',
        unique: true,
        method: 'btree',
        include: ['name'],
        where: 'deleted_at IS NULL',
        comment: 'login lookup',
      }),
    );
    expect(show(op)).toMatchInlineSnapshot(`
      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_org_email_idx" ON "users" USING btree ("org_id", (lower(email))) INCLUDE ("name") WHERE deleted_at IS NULL
        [no-tx scans] locks: SHARE UPDATE EXCLUSIVE users
        note: built CONCURRENTLY outside a transaction: reads and writes continue during the build
      COMMENT ON INDEX "users_org_email_idx" IS 'login lookup'
        [tx] locks: SHARE UPDATE EXCLUSIVE users"
    `);
    expect(classifyOperation(op)).toBe('transformative');
  });

  it('an exact captured definition', () => {
    const op: Operation = {
      kind: 'addIndex',
      table: { name: 'users' },
      name: 'users_tags_idx',
      definition: 'USING gin (tags) WHERE (n > 0)',
    };
    validateOperation(op);
    expect(show(op)).toMatchInlineSnapshot(`
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_tags_idx" ON "users" USING gin (tags) WHERE (n > 0)
        [no-tx scans] locks: SHARE UPDATE EXCLUSIVE users
        note: built CONCURRENTLY outside a transaction: reads and writes continue during the build"
    `);
  });

  it('needs a name for expression keys, and long default names are cut like PostgreSQL does', async () => {
    await expect(
      one((db) => db.addIndex('users', [{ expression: 'lower(email)' }])),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: addIndex users: option \`name\` is required when a key is an expression]`,
    );
    const op = await one((db) =>
      db.addIndex('a_rather_long_table_name_for_testing', ['a_very_long_column_name_too', 'x']),
    );
    // Checked against PostgreSQL 15's own choice for the same index.
    expect(op).toMatchObject({ name: 'a_rather_long_table_name_for__a_very_long_column_name_too_x_idx' });
  });
});

describe('dropIndex', () => {
  it('is dropped CONCURRENTLY on an existing table, plainly on a new one or when asked', async () => {
    const op = await one((db) => db.dropIndex('app.users', 'users_email_idx'));
    const plain = await one((db) =>
      db.dropIndex('users', 'users_email_idx', { concurrently: false, ifExists: true }),
    );
    expect(show(op)).toMatchInlineSnapshot(`
      "DROP INDEX CONCURRENTLY "app"."users_email_idx"
        [no-tx] locks: SHARE UPDATE EXCLUSIVE app.users
        note: dropped CONCURRENTLY outside a transaction"
    `);
    expect(show(op, fresh('app.users'))).toMatchInlineSnapshot(`
      "DROP INDEX "app"."users_email_idx"
        [tx] locks: ACCESS EXCLUSIVE app.users"
    `);
    expect(show(plain)).toMatchInlineSnapshot(`
      "DROP INDEX IF EXISTS "users_email_idx"
        [tx] locks: ACCESS EXCLUSIVE users"
    `);
    expect(classifyOperation(op)).toBe('destructive');
  });
});
