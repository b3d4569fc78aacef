import { describe, expect, test } from 'vitest';
import { lint, schemaFrom } from './helpers.js';

async function fixOf(rule: string, sql: string, options: Parameters<typeof lint>[1] = {}) {
  const f = (await lint(sql, { rules: { [rule]: 'error' }, ...options })).find((x) => x.rule === rule);
  return f?.fix;
}

describe('fixes are exact, ready-to-paste SQL', () => {
  test('require-concurrent-index-creation keeps the statement and adds CONCURRENTLY', async () => {
    expect(
      await fixOf(
        'require-concurrent-index-creation',
        'create unique index users_email on users (lower(email));',
      ),
    ).toBe(
      '-- migrate:up transaction:false\ncreate unique index CONCURRENTLY users_email on users (lower(email));',
    );
  });

  test('require-concurrent-index-deletion writes one statement per index', async () => {
    expect(await fixOf('require-concurrent-index-deletion', 'DROP INDEX app.a, "B";')).toBe(
      '-- migrate:up transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS app.a;\nDROP INDEX CONCURRENTLY IF EXISTS "B";',
    );
  });

  test('adding-field-with-default splits the default from the column', async () => {
    expect(
      await fixOf(
        'adding-field-with-default',
        'ALTER TABLE "Users" ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL;',
      ),
    ).toBe(
      'ALTER TABLE "Users" ADD COLUMN token uuid;\n' +
        'ALTER TABLE "Users" ALTER COLUMN token SET DEFAULT gen_random_uuid();\n' +
        '-- then fill existing rows in batches outside this transaction, e.g.\n' +
        '-- UPDATE "Users" SET token = gen_random_uuid() WHERE token IS NULL AND <batch condition>;',
    );
  });

  test('adding-foreign-key-constraint keeps actions and names the default constraint', async () => {
    expect(
      await fixOf(
        'adding-foreign-key-constraint',
        'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;',
      ),
    ).toBe(
      'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL NOT VALID;\n' +
        '-- in a later migration (its own transaction):\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;',
    );
  });

  test('constraint-missing-not-valid prints the check expression', async () => {
    expect(
      await fixOf(
        'constraint-missing-not-valid',
        "ALTER TABLE t ADD CONSTRAINT pos CHECK (qty > 0 AND status <> 'x');",
      ),
    ).toBe(
      "ALTER TABLE t ADD CONSTRAINT pos CHECK ((qty > 0) AND (status <> 'x')) NOT VALID;\n" +
        '-- in a later migration:\n' +
        'ALTER TABLE t VALIDATE CONSTRAINT pos;',
    );
  });

  test('adding-not-nullable-field goes through a validated check', async () => {
    expect(
      await fixOf('adding-not-nullable-field', 'ALTER TABLE "order" ALTER COLUMN total SET NOT NULL;'),
    ).toBe(
      'ALTER TABLE "order" ADD CONSTRAINT order_total_not_null CHECK (total IS NOT NULL) NOT VALID;\n' +
        '-- in a later migration:\n' +
        'ALTER TABLE "order" VALIDATE CONSTRAINT order_total_not_null;\n' +
        'ALTER TABLE "order" ALTER COLUMN total SET NOT NULL;\n' +
        'ALTER TABLE "order" DROP CONSTRAINT order_total_not_null;',
    );
  });

  test('prefer-robust-stmts inserts IF [NOT] EXISTS where the grammar wants it', async () => {
    const noTx = { transaction: false };
    expect(await fixOf('prefer-robust-stmts', 'CREATE TABLE t (a int);', noTx)).toBe(
      'CREATE TABLE IF NOT EXISTS t (a int);',
    );
    expect(await fixOf('prefer-robust-stmts', 'CREATE INDEX CONCURRENTLY i ON t (a);', noTx)).toBe(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);',
    );
    expect(await fixOf('prefer-robust-stmts', 'DROP MATERIALIZED VIEW m;', noTx)).toBe(
      'DROP MATERIALIZED VIEW IF EXISTS m;',
    );
    expect(await fixOf('prefer-robust-stmts', 'ALTER TABLE t ADD COLUMN a int;', noTx)).toBe(
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS a int;',
    );
  });

  test('renaming-column uses the type an earlier migration declared', async () => {
    const schema = await schemaFrom('CREATE TABLE t (a varchar(20));');
    expect(await fixOf('renaming-column', 'ALTER TABLE t RENAME COLUMN a TO b;', { schema })).toBe(
      'ALTER TABLE t ADD COLUMN b varchar(20);\n-- write to both columns, backfill b from a in batches, move reads to b, then drop a',
    );
    expect(await fixOf('renaming-column', 'ALTER TABLE t RENAME COLUMN a TO b;')).toBeUndefined();
  });

  test('a fix is left out rather than guessed when the expression cannot be printed', async () => {
    expect(
      await fixOf(
        'adding-field-with-default',
        'ALTER TABLE t ADD COLUMN c int DEFAULT (SELECT max(id) FROM u);',
      ),
    ).toBeUndefined();
  });
});
