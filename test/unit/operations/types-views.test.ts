import { describe, expect, it } from 'vitest';
import { classifyOperation } from '../../../src/operations/registry.js';
import { raw, sql } from '../../../src/sql/tag.js';
import { one, record, show } from './helpers.js';

describe('enums', () => {
  it('createEnum, dropEnum, addEnumValue', async () => {
    const create = await one((db) => db.createEnum('app.mood', ['sad', 'ok', "it's fine"]));
    const drop = await one((db) => db.dropEnum('app.mood', { ifExists: true }));
    const add = await one((db) =>
      db.addEnumValue('app.mood', 'ecstatic', { after: 'ok', ifNotExists: true }),
    );
    expect(show(create)).toMatchInlineSnapshot(`
      "CREATE TYPE "app"."mood" AS ENUM ('sad', 'ok', 'it''s fine')
        [tx] locks: none"
    `);
    expect(show(drop)).toMatchInlineSnapshot(`
      "DROP TYPE IF EXISTS "app"."mood"
        [tx] locks: none"
    `);
    expect(show(add)).toMatchInlineSnapshot(`
      "ALTER TYPE "app"."mood" ADD VALUE IF NOT EXISTS 'ecstatic' AFTER 'ok'
        [tx] locks: none
        note: the new value cannot be used before the transaction commits"
    `);
    expect(show(add, { newTables: new Set(), server: { major: 11, minor: 0 } })).toMatchInlineSnapshot(`
      "ALTER TYPE "app"."mood" ADD VALUE IF NOT EXISTS 'ecstatic' AFTER 'ok'
        [no-tx] locks: none
        note: cannot run in a transaction before PostgreSQL 12"
    `);
    expect([create, drop, add].map(classifyOperation)).toEqual(['additive', 'destructive', 'additive']);
  });

  it('rejects duplicate labels and before + after', async () => {
    await expect(one((db) => db.createEnum('mood', ['a', 'a']))).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: createEnum mood: option \`values\` lists a label twice]`,
    );
    await expect(
      one((db) => db.addEnumValue('mood', 'b', { before: 'a', after: 'c' })),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: addEnumValue mood: option \`after\` cannot be combined with \`before\`]`,
    );
  });
});

describe('views', () => {
  it('createView with columns, options and a comment; OR REPLACE; dropView', async () => {
    const create = await one((db) =>
      db.createView('app.active_users', 'SELECT id, email FROM users WHERE deleted_at IS NULL', {
        columns: ['uid', 'mail'],
        options: { security_barrier: 'true', check_option: 'local' },
        comment: 'active',
      }),
    );
    const replace = await one((db) => db.createView('v', 'SELECT 1', { orReplace: true }));
    const drop = await one((db) => db.dropView('app.active_users', { ifExists: true, cascade: true }));
    expect(show(create)).toMatchInlineSnapshot(`
      "CREATE VIEW "app"."active_users" ("uid", "mail") WITH ("security_barrier" = 'true', "check_option" = 'local') AS SELECT id, email FROM users WHERE deleted_at IS NULL
        [tx] locks: ACCESS EXCLUSIVE app.active_users
      COMMENT ON VIEW "app"."active_users" IS 'active'
        [tx] locks: SHARE UPDATE EXCLUSIVE app.active_users"
    `);
    expect(show(replace)).toMatchInlineSnapshot(`
      "CREATE OR REPLACE VIEW "v" AS SELECT 1
        [tx] locks: ACCESS EXCLUSIVE v"
    `);
    expect(show(drop)).toMatchInlineSnapshot(`
      "DROP VIEW IF EXISTS "app"."active_users" CASCADE
        [tx] locks: ACCESS EXCLUSIVE app.active_users"
    `);
    expect([create, replace, drop].map(classifyOperation)).toEqual([
      'additive',
      'transformative',
      'destructive',
    ]);
  });
});

describe('sql', () => {
  it('text, tagged values and fragments; transactional and class options', async () => {
    const ops = await record(async (db) => {
      await db.sql('VACUUM ANALYZE users', { transactional: false, class: 'data' });
      await db.sql`UPDATE ${sql`users`} SET flag = ${true} WHERE id = ${7}`;
      await db.sql(sql`CREATE EXTENSION ${raw('IF NOT EXISTS')} pg_trgm`, {
        down: 'DROP EXTENSION pg_trgm',
        class: 'additive',
      });
    });
    expect(ops.map((op) => show(op)).join('\n')).toMatchInlineSnapshot(`
      "VACUUM ANALYZE users
        [no-tx] locks: none
        note: raw SQL: sluice does not know what it locks or rewrites
      UPDATE users SET flag = $1 WHERE id = $2
        [tx] locks: none
        values: [true,7]
        note: raw SQL: sluice does not know what it locks or rewrites
      CREATE EXTENSION IF NOT EXISTS pg_trgm
        [tx] locks: none
        note: raw SQL: sluice does not know what it locks or rewrites"
    `);
    expect(ops.map(classifyOperation)).toEqual(['data', 'data', 'additive']);
  });

  it('rejects empty SQL', async () => {
    await expect(one((db) => db.sql(''))).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: sql statement: option \`statement\` must be non-empty SQL text or a sql\`…\` fragment]`,
    );
  });
});
