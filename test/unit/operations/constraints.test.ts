import { describe, expect, it } from 'vitest';
import { classifyOperation } from '../../../src/operations/registry.js';
import { fresh, one, show } from './helpers.js';

describe('addForeignKey', () => {
  it('NOT VALID, then VALIDATE outside the transaction, locking both tables', async () => {
    const op = await one((db) =>
      db.addForeignKey('app.orders', 'user_id', {
        references: { table: 'app.users', columns: ['id'], onDelete: 'set null', onUpdate: 'cascade' },
      }),
    );
    expect(op).toMatchObject({ name: 'orders_user_id_fkey' });
    expect(show(op)).toMatchInlineSnapshot(`
      "ALTER TABLE "app"."orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app"."users" ("id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID
        [tx] locks: SHARE ROW EXCLUSIVE app.orders, SHARE ROW EXCLUSIVE app.users
        note: NOT VALID: new writes are checked, existing rows not yet
      ALTER TABLE "app"."orders" VALIDATE CONSTRAINT "orders_user_id_fkey"
        [no-tx scans] locks: SHARE UPDATE EXCLUSIVE app.orders, ROW SHARE app.users
        note: validated after the NOT VALID step has committed: the scan does not block writes"
    `);
    expect(classifyOperation(op)).toBe('transformative');
  });

  it("validate: 'immediate' and 'never', and a new table", async () => {
    const immediate = await one((db) =>
      db.addForeignKey('orders', ['a', 'b'], {
        name: 'fk',
        references: { table: 'x', columns: ['a', 'b'] },
        validate: 'immediate',
      }),
    );
    const never = await one((db) =>
      db.addForeignKey('orders', 'user_id', { references: { table: 'users' }, validate: 'never' }),
    );
    expect(show(immediate)).toMatchInlineSnapshot(`
      "ALTER TABLE "orders" ADD CONSTRAINT "fk" FOREIGN KEY ("a", "b") REFERENCES "x" ("a", "b")
        [tx scans] locks: SHARE ROW EXCLUSIVE orders, SHARE ROW EXCLUSIVE x"
    `);
    expect(show(never)).toMatchInlineSnapshot(`
      "ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" NOT VALID
        [tx] locks: SHARE ROW EXCLUSIVE orders, SHARE ROW EXCLUSIVE users
        note: NOT VALID: new writes are checked, existing rows not yet"
    `);
    expect(show(never, fresh('orders'))).toMatchInlineSnapshot(`
      "ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" NOT VALID
        [tx] locks: SHARE ROW EXCLUSIVE orders, SHARE ROW EXCLUSIVE users
        note: NOT VALID: new writes are checked, existing rows not yet"
    `);
  });

  it('checks the references', async () => {
    await expect(
      one((db) =>
        db.addForeignKey('orders', ['a', 'b'], { references: { table: 'users', columns: ['id'] } }),
      ),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: addForeignKey orders.orders_a_b_fkey: option \`references.columns\` must list 2 column(s), like the key]`,
    );
    await expect(
      one((db) =>
        db.addForeignKey('orders', 'a', { references: { table: 'users', onDelete: 'explode' as never } }),
      ),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: addForeignKey orders.orders_a_fkey: option \`references.onDelete\` must be one of "no action", "restrict", "cascade", "set null", "set default", got "explode"]`,
    );
  });
});

describe('addCheck', () => {
  it('NOT VALID then VALIDATE; immediate on a new table', async () => {
    const op = await one((db) => db.addCheck('products', 'products_price_positive', 'price > 0'));
    expect(show(op)).toMatchInlineSnapshot(`
      "ALTER TABLE "products" ADD CONSTRAINT "products_price_positive" CHECK (price > 0) NOT VALID
        [tx] locks: ACCESS EXCLUSIVE products
        note: NOT VALID: new writes are checked, existing rows not yet
      ALTER TABLE "products" VALIDATE CONSTRAINT "products_price_positive"
        [no-tx scans] locks: SHARE UPDATE EXCLUSIVE products
        note: validated after the NOT VALID step has committed: the scan does not block writes"
    `);
    expect(show(op, fresh('products'))).toMatchInlineSnapshot(`
      "ALTER TABLE "products" ADD CONSTRAINT "products_price_positive" CHECK (price > 0)
        [tx] locks: ACCESS EXCLUSIVE products"
    `);
  });
});

describe('addUnique', () => {
  it('through a concurrent unique index and USING INDEX', async () => {
    const op = await one((db) => db.addUnique('app.users', ['email', 'org_id']));
    expect(op).toMatchObject({ name: 'users_email_org_id_key' });
    expect(show(op)).toMatchInlineSnapshot(`
      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_email_org_id_key" ON "app"."users" ("email", "org_id")
        [no-tx scans] locks: SHARE UPDATE EXCLUSIVE app.users
        note: built CONCURRENTLY outside a transaction: reads and writes continue during the build
      ALTER TABLE "app"."users" ADD CONSTRAINT "users_email_org_id_key" UNIQUE USING INDEX "users_email_org_id_key"
        [tx] locks: ACCESS EXCLUSIVE app.users
        note: attaches the built index: brief lock"
    `);
  });

  it('directly on a new table or with concurrently: false', async () => {
    const op = await one((db) => db.addUnique('users', 'email', { name: 'u', concurrently: false }));
    expect(show(op)).toMatchInlineSnapshot(`
      "ALTER TABLE "users" ADD CONSTRAINT "u" UNIQUE ("email")
        [tx scans] locks: ACCESS EXCLUSIVE users"
    `);
    expect(show(op, fresh('users'))).toMatchInlineSnapshot(`
      "ALTER TABLE "users" ADD CONSTRAINT "u" UNIQUE ("email")
        [tx] locks: ACCESS EXCLUSIVE users"
    `);
  });
});

describe('addConstraint (exact definitions, as restored from a capture)', () => {
  it('a primary key with its index goes through USING INDEX; deferrable or exclusion constraints are added as written', async () => {
    const pk = await one((db) =>
      db.addConstraint('t', 't_pkey', 'PRIMARY KEY (id)', { type: 'primaryKey', index: 'USING btree (id)' }),
    );
    const deferrable = await one((db) =>
      db.addConstraint('t', 't_code_key', 'UNIQUE (code) DEFERRABLE', {
        type: 'unique',
        index: 'USING btree (code)',
        deferrable: true,
      }),
    );
    const exclusion = await one((db) =>
      db.addConstraint('t', 't_no_overlap', 'EXCLUDE USING gist (r WITH &&)', { type: 'exclusion' }),
    );
    expect(show(pk)).toMatchInlineSnapshot(`
      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "t_pkey" ON "t" USING btree (id)
        [no-tx scans] locks: SHARE UPDATE EXCLUSIVE t
        note: built CONCURRENTLY outside a transaction: reads and writes continue during the build
      ALTER TABLE "t" ADD CONSTRAINT "t_pkey" PRIMARY KEY USING INDEX "t_pkey"
        [tx] locks: ACCESS EXCLUSIVE t
        note: attaches the built index: brief lock"
    `);
    expect(show(deferrable)).toMatchInlineSnapshot(`
      "ALTER TABLE "t" ADD CONSTRAINT "t_code_key" UNIQUE (code) DEFERRABLE
        [tx scans] locks: ACCESS EXCLUSIVE t"
    `);
    expect(show(exclusion)).toMatchInlineSnapshot(`
      "ALTER TABLE "t" ADD CONSTRAINT "t_no_overlap" EXCLUDE USING gist (r WITH &&)
        [tx scans] locks: ACCESS EXCLUSIVE t"
    `);
  });

  it('a foreign key is validated separately and locks the referenced table', async () => {
    const op = await one((db) =>
      db.addConstraint('o', 'o_fk', 'FOREIGN KEY (u) REFERENCES app.users(id)', {
        type: 'foreignKey',
        references: 'app.users',
      }),
    );
    expect(show(op)).toMatchInlineSnapshot(`
      "ALTER TABLE "o" ADD CONSTRAINT "o_fk" FOREIGN KEY (u) REFERENCES app.users(id) NOT VALID
        [tx] locks: SHARE ROW EXCLUSIVE o, SHARE ROW EXCLUSIVE app.users
        note: NOT VALID: new writes are checked, existing rows not yet
      ALTER TABLE "o" VALIDATE CONSTRAINT "o_fk"
        [no-tx scans] locks: SHARE UPDATE EXCLUSIVE o, ROW SHARE app.users
        note: validated after the NOT VALID step has committed: the scan does not block writes"
    `);
  });

  it('needs a known type', async () => {
    await expect(
      one((db) => db.addConstraint('t', 'c', 'CHECK (x)', { type: 'assertion' as never })),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: addConstraint t.c: option \`type\` must be one of "check", "foreignKey", "unique", "primaryKey", "exclusion", got "assertion"]`,
    );
  });
});

describe('dropConstraint', () => {
  it('compiles', async () => {
    const op = await one((db) => db.dropConstraint('app.orders', 'orders_user_id_fkey', { ifExists: true }));
    expect(show(op)).toMatchInlineSnapshot(`
      "ALTER TABLE "app"."orders" DROP CONSTRAINT IF EXISTS "orders_user_id_fkey"
        [tx] locks: ACCESS EXCLUSIVE app.orders"
    `);
    expect(classifyOperation(op)).toBe('destructive');
  });
});
