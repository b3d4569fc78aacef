/**
 * Each operation and its automatic down on the real server: the catalog of schema `app` after
 * up + down must equal the catalog before. Drops are captured from the live database first, and the
 * capture goes through JSON as it would through the history table.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection, Driver, OperationStatement, ServerVersion } from '../../src/dialects/dialect.js';
import { captureDefinition } from '../../src/dialects/postgres/capture.js';
import {
  advanceContext,
  type CompileContext,
  compileOperation,
} from '../../src/dialects/postgres/compiler.js';
import { postgresDialect } from '../../src/dialects/postgres/dialect.js';
import { settleInterrupted } from '../../src/dialects/postgres/interrupted.js';
import { PgDriver } from '../../src/dialects/postgres/pg-driver.js';
import { PgliteDriver } from '../../src/dialects/postgres/pglite-driver.js';
import { addIndex } from '../../src/operations/add-index.js';
import { createOperationRecorder, type OperationMethods } from '../../src/operations/builder.js';
import type { Captured } from '../../src/operations/captured.js';
import { definitionOf, deriveDown } from '../../src/operations/registry.js';
import type { Operation } from '../../src/operations/types.js';
import { createPgDatabase, type TestDatabase } from '../helpers/databases.js';

const MAX_NAME_BYTES = postgresDialect.maxIdentifierLength;

interface Target {
  label: string;
  open(): Promise<{ driver: Driver; drop(): Promise<void> }>;
}

// The real server, and PGlite (the same SQL, embedded): every operation must work on both.
const TARGETS: Target[] = [
  {
    label: 'postgres',
    open: async () => {
      const database: TestDatabase = await createPgDatabase('ops');
      return { driver: new PgDriver(database.url), drop: () => database.drop() };
    },
  },
  { label: 'pglite', open: async () => ({ driver: new PgliteDriver(null), drop: async () => {} }) },
];

let conn: Connection;
let server: ServerVersion = { major: 0, minor: 0 };

/** Runs statements respecting `transactional`: consecutive transactional ones share a transaction. */
async function execute(statements: OperationStatement[]): Promise<unknown[]> {
  let inTx = false;
  let rows: unknown[] = [];
  try {
    for (const s of statements) {
      if (s.transactional !== inTx) {
        await conn.query(inTx ? 'COMMIT' : 'BEGIN');
        inTx = s.transactional;
      }
      rows = (await conn.query(s.sql, s.values)).rows;
    }
    if (inTx) await conn.query('COMMIT');
    return rows;
  } catch (error) {
    if (inTx) await conn.query('ROLLBACK');
    throw error;
  }
}

/** What the runner does: capture → compile → execute, one operation at a time. */
async function apply(
  ops: readonly Operation[],
  captured: (Captured | null | undefined)[] = [],
): Promise<unknown[]> {
  let ctx: CompileContext = { newTables: new Set(), server };
  let rows: unknown[] = [];
  for (const op of ops) {
    const def = definitionOf(op);
    const c = def.needsCapture(op) ? await captureDefinition(conn, op) : undefined;
    // Through JSON, as stored with the history row.
    captured.push(c === undefined ? undefined : (JSON.parse(JSON.stringify(c)) as Captured | null));
    rows = await execute(compileOperation(op, ctx));
    ctx = advanceContext(ctx, op);
  }
  return rows;
}

/** A normalized dump of schema `app` from pg_catalog (columns sorted by name: a re-added column is last). */
async function catalog(): Promise<Record<string, unknown[]>> {
  const q = async (text: string) => (await conn.query(text)).rows;
  return {
    relations:
      await q(`SELECT c.relname, c.relkind::text, c.reloptions, obj_description(c.oid, 'pg_class') AS comment
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' ORDER BY 1`),
    columns: await q(`SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
        pg_get_expr(d.adbin, d.adrelid) AS def, a.attcollation::regcollation::text AS coll, a.attidentity::text,
        a.attgenerated::text, col_description(a.attrelid, a.attnum) AS comment
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'app' AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'p')
      ORDER BY 1, 2`),
    constraints: await q(`SELECT c.conrelid::regclass::text AS rel, c.conname, c.contype::text,
        pg_get_constraintdef(c.oid) AS def, c.convalidated, c.condeferrable
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'app' AND c.contype <> 'n' ORDER BY 1, 2`),
    indexes: await q(`SELECT ci.relname, pg_get_indexdef(ix.indexrelid) AS def, ix.indisvalid,
        obj_description(ix.indexrelid, 'pg_class') AS comment
      FROM pg_index ix JOIN pg_class ci ON ci.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = ci.relnamespace
      WHERE n.nspname = 'app' ORDER BY 1`),
    views: await q(`SELECT c.relname, pg_get_viewdef(c.oid) AS def FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' AND c.relkind = 'v' ORDER BY 1`),
    enums: await q(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'app' GROUP BY 1 ORDER BY 1`),
  };
}

/** Applies `fn`'s operations, then their automatic down; returns the operations and the down. */
async function roundTrip(setup: string, fn: (db: OperationMethods) => Promise<unknown>) {
  if (setup) await conn.query(setup);
  const before = await catalog();
  const captured: (Captured | null | undefined)[] = [];
  // One operation at a time, as the runner does: the recorder calls back as `up` runs.
  const rec = createOperationRecorder(MAX_NAME_BYTES, (op) => apply([op], captured));
  await fn(rec.db);
  const up = await catalog();
  expect(up, 'the operations changed nothing').not.toEqual(before);
  const down = deriveDown(rec.operations, captured);
  if (!down.ok) throw new Error(down.reason);
  await apply(down.operations);
  expect(await catalog()).toEqual(before);
  return { operations: rec.operations, down: down.operations, up };
}

const USERS = `CREATE TABLE app.users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text, name varchar(50));
  INSERT INTO app.users (email, name) SELECT 'u' || g || '@x', 'n' || g FROM generate_series(1, 50) g;`;

describe.each(TARGETS)('$label', (target) => {
  let opened: Awaited<ReturnType<Target['open']>>;

  beforeAll(async () => {
    opened = await target.open();
    conn = await opened.driver.connect();
    server = (await postgresDialect.serverVersion(conn))!;
  });

  afterAll(async () => {
    await conn?.close();
    await opened?.driver.close();
    await opened?.drop();
  });

  beforeEach(async () => {
    await conn.query('DROP SCHEMA IF EXISTS app CASCADE; CREATE SCHEMA app');
  });

  describe('tables', () => {
    it('createTable with every kind of column and constraint, down drops it', async () => {
      await roundTrip(USERS, (db) =>
        db.createTable(
          'app.orders',
          {
            id: { type: 'bigint', identity: 'by default', primaryKey: true },
            user_id: {
              type: 'bigint',
              nullable: false,
              references: { table: 'app.users', onDelete: 'cascade' },
            },
            code: { type: 'text', collation: 'C', unique: true, comment: "the customer's code" },
            total: { type: 'numeric(10,2)', default: 0, check: 'total >= 0' },
            placed_at: { type: 'timestamptz', default: { sql: 'now()' } },
            cents: { type: 'bigint', generated: '(total * 100)::bigint' },
          },
          { constraints: [{ type: 'unique', columns: ['user_id', 'code'] }], comment: 'Orders' },
        ),
      );
    });

    it('dropTable is reversed from the captured definition', async () => {
      const setup = `${USERS}
      CREATE TYPE app.mood AS ENUM ('sad', 'happy');
      CREATE TABLE app.t (
        id serial PRIMARY KEY,
        code varchar(20) COLLATE "C" NOT NULL DEFAULT 'x',
        price numeric(10, 2) CHECK (price > 0),
        mood app.mood DEFAULT 'happy',
        owner bigint REFERENCES app.users (id) ON DELETE SET NULL,
        parent int REFERENCES app.t (id),
        seq bigint GENERATED BY DEFAULT AS IDENTITY,
        total numeric GENERATED ALWAYS AS (price * 2) STORED,
        tags text[] NOT NULL DEFAULT '{}',
        CONSTRAINT t_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT t_pair_key UNIQUE (owner, parent)
      );
      ALTER TABLE app.t ADD CONSTRAINT t_code_len CHECK (length(code) > 0) NOT VALID;
      CREATE INDEX t_lower_code_idx ON app.t (lower(code)) WHERE price IS NOT NULL;
      CREATE UNIQUE INDEX t_owner_idx ON app.t USING btree (owner DESC NULLS LAST) INCLUDE (price);
      COMMENT ON TABLE app.t IS 'things';
      COMMENT ON COLUMN app.t.code IS 'the code';
      COMMENT ON INDEX app.t_lower_code_idx IS 'search';
      INSERT INTO app.t (code, price) VALUES ('a', 1);`;
      const { down } = await roundTrip(setup, (db) => db.dropTable('app.t'));
      expect(down[0]?.note).toContain('the data');
    });

    it('renameTable and renameColumn', async () => {
      await roundTrip(USERS, async (db) => {
        await db.renameTable('app.users', 'people');
        await db.renameColumn('app.people', 'email', 'mail');
      });
    });
  });

  describe('columns', () => {
    it('addColumn: literal default, volatile default split, comment', async () => {
      await roundTrip(USERS, async (db) => {
        await db.addColumn('app.users', 'active', { type: 'boolean', nullable: false, default: true });
        await db.addColumn('app.users', 'token', {
          type: 'uuid',
          default: { sql: 'gen_random_uuid()' },
          comment: 'api',
        });
      });
    });

    it('dropColumn re-creates the column with its constraints and indexes', async () => {
      const setup = `${USERS}
      CREATE TABLE app.accounts (id bigint PRIMARY KEY, user_id bigint, code varchar(12) COLLATE "C" DEFAULT 'a''b',
        n serial, CONSTRAINT accounts_user_fkey FOREIGN KEY (user_id) REFERENCES app.users (id),
        CONSTRAINT accounts_code_check CHECK (code <> ''), CONSTRAINT accounts_code_key UNIQUE (code));
      CREATE INDEX accounts_code_lower_idx ON app.accounts (lower(code));
      COMMENT ON COLUMN app.accounts.code IS 'code';
      INSERT INTO app.accounts (id, user_id, code) VALUES (1, 1, 'a'), (2, 2, 'b');`;
      await roundTrip(setup, async (db) => {
        await db.dropColumn('app.accounts', 'code');
        await db.dropColumn('app.accounts', 'user_id');
        await db.dropColumn('app.accounts', 'n');
      });
    });

    it('dropColumn of a NOT NULL primary key column (empty table)', async () => {
      const setup =
        'CREATE TABLE app.keys (id int NOT NULL DEFAULT 1, k bigint NOT NULL, CONSTRAINT keys_pkey PRIMARY KEY (k, id))';
      const { down } = await roundTrip(setup, async (db) => {
        await db.dropColumn('app.keys', 'k');
        await db.dropColumn('app.keys', 'id');
      });
      expect(down.find((o) => o.kind === 'addColumn' && o.column.name === 'k')?.note).toContain(
        'NOT NULL without a default',
      );
    });

    it('alterColumn: type with using, safe SET NOT NULL, default; down restores the old state', async () => {
      const setup = `${USERS} CREATE TABLE app.m (v text DEFAULT '1', w int);
      INSERT INTO app.m SELECT g::text, g FROM generate_series(1, 20) g;`;
      await roundTrip(setup, async (db) => {
        await db.alterColumn('app.m', 'v', { type: 'integer', using: 'v::integer', default: 7 });
        await db.alterColumn('app.users', 'email', { nullable: false });
        await db.alterColumn('app.m', 'w', {
          default: { sql: '40 + 2' },
          nullable: false,
          setNotNull: 'direct',
        });
      });
    });
  });

  describe('indexes and constraints', () => {
    it('addIndex concurrently on an existing table; down drops it', async () => {
      const { up } = await roundTrip(USERS, async (db) => {
        await db.addIndex('app.users', ['email']);
        await db.addIndex('app.users', [{ expression: 'lower(email)' }], {
          name: 'users_lower_email_idx',
          unique: true,
          where: 'id > 0',
          include: ['name'],
          comment: 'lookup',
        });
        await db.addIndex('app.users', ['name'], { method: 'hash', concurrently: false });
      });
      expect((up.indexes as { indisvalid: boolean }[]).every((i) => i.indisvalid)).toBe(true);
    });

    it('a failed concurrent build leaves an invalid index; settling drops it so a retry succeeds', async () => {
      await conn.query(`${USERS} UPDATE app.users SET email = 'same' WHERE id <= 2`);
      const users = { schema: 'app', name: 'users' };
      const [build] = compileOperation(addIndex(users, ['email'], { unique: true }, MAX_NAME_BYTES), {
        newTables: new Set(),
        server,
      });
      const valid = async () =>
        (
          await conn.query<{ valid: boolean }>(
            "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('app.users_email_idx')",
          )
        ).rows;
      await expect(conn.query(build!.sql)).rejects.toThrow(/could not create unique index/);
      expect(await valid()).toEqual([{ valid: false }]);
      // IF NOT EXISTS alone would now skip the build and keep the invalid index: the runner settles it first.
      const settled = await settleInterrupted(conn, build!.sql, false);
      expect(settled).toMatchObject({
        outcome: 'redo',
        cleanup: ['DROP INDEX CONCURRENTLY IF EXISTS "app"."users_email_idx"'],
      });
      for (const c of settled.outcome === 'redo' ? settled.cleanup : []) await conn.query(c);
      expect(await valid()).toEqual([]);
      await conn.query("UPDATE app.users SET email = 'other' WHERE id = 1");
      await conn.query(build!.sql);
      expect(await valid()).toEqual([{ valid: true }]);
      // A build that finished is recognised as done when the run died while it ran.
      expect(await settleInterrupted(conn, build!.sql, true)).toMatchObject({ outcome: 'done' });
    });

    it('dropIndex is reversed from pg_get_indexdef', async () => {
      const setup = `${USERS} CREATE INDEX users_name_idx ON app.users (name varchar_pattern_ops) WHERE email IS NOT NULL;
      COMMENT ON INDEX app.users_name_idx IS 'prefix search';`;
      await roundTrip(setup, (db) => db.dropIndex('app.users', 'users_name_idx'));
    });

    it('addForeignKey, addCheck, addUnique: validated separately, unique through USING INDEX', async () => {
      const setup = `${USERS} CREATE TABLE app.orders (id int NOT NULL, user_id bigint, price int);
      INSERT INTO app.orders SELECT g, g, g FROM generate_series(1, 30) g;`;
      const { up } = await roundTrip(setup, async (db) => {
        await db.addForeignKey('app.orders', 'user_id', {
          references: { table: 'app.users', columns: ['id'] },
        });
        await db.addCheck('app.orders', 'orders_price_positive', 'price > 0');
        await db.addCheck('app.orders', 'orders_price_small', 'price < 1000', { validate: 'never' });
        await db.addUnique('app.orders', ['id']);
        await db.addConstraint('app.orders', 'orders_pkey', 'PRIMARY KEY (id)', { type: 'primaryKey' });
      });
      const validated = Object.fromEntries(
        (up.constraints as { conname: string; convalidated: boolean }[]).map((c) => [
          c.conname,
          c.convalidated,
        ]),
      );
      expect(validated).toMatchObject({
        orders_user_id_fkey: true,
        orders_price_positive: true,
        orders_price_small: false,
        orders_id_key: true,
      });
    });

    it('dropConstraint of each type is reversed from pg_get_constraintdef', async () => {
      const setup = `${USERS} CREATE TABLE app.o (id int CONSTRAINT o_pkey PRIMARY KEY, user_id bigint REFERENCES app.users (id)
        ON DELETE CASCADE, price int CONSTRAINT o_price_check CHECK (price > 0), code text CONSTRAINT o_code_key UNIQUE);
      ALTER TABLE app.o ADD CONSTRAINT o_price_max CHECK (price < 10) NOT VALID;
      INSERT INTO app.o VALUES (1, 1, 5, 'a'), (2, 2, 6, 'b');`;
      await roundTrip(setup, async (db) => {
        await db.dropConstraint('app.o', 'o_user_id_fkey');
        await db.dropConstraint('app.o', 'o_price_check');
        await db.dropConstraint('app.o', 'o_price_max');
        await db.dropConstraint('app.o', 'o_code_key');
        await db.dropConstraint('app.o', 'o_pkey');
      });
    });
  });

  describe('types, views and raw SQL', () => {
    it('createEnum and dropEnum', async () => {
      await roundTrip("CREATE TYPE app.old AS ENUM ('a', 'b c', 'd')", async (db) => {
        await db.createEnum('app.mood', ['sad', 'ok', "it's fine"]);
        await db.dropEnum('app.old');
      });
    });

    it('addEnumValue applies and refuses an automatic down', async () => {
      await conn.query("CREATE TYPE app.mood AS ENUM ('sad', 'happy')");
      const rec = createOperationRecorder(MAX_NAME_BYTES, (op) => apply([op]));
      await rec.db.addEnumValue('app.mood', 'ok', { before: 'happy' });
      const res = await conn.query<{ l: string }>('SELECT unnest(enum_range(NULL::app.mood))::text AS l');
      expect(res.rows.map((r) => r.l)).toEqual(['sad', 'ok', 'happy']);
      const down = deriveDown(rec.operations, []);
      expect(down.ok).toBe(false);
    });

    it('createView, createView OR REPLACE, dropView', async () => {
      const setup = `${USERS} CREATE VIEW app.named WITH (security_barrier = true) AS SELECT id, name FROM app.users
        WHERE name IS NOT NULL WITH LOCAL CHECK OPTION;
      COMMENT ON VIEW app.named IS 'named users';
      CREATE VIEW app.ids AS SELECT id FROM app.users;`;
      await roundTrip(setup, async (db) => {
        await db.createView('app.emails', 'SELECT id, email FROM app.users', {
          columns: ['uid', 'mail'],
          comment: 'e',
        });
        await db.createView('app.ids', 'SELECT id, email FROM app.users', { orReplace: true });
        await db.dropView('app.named');
      });
    });

    it('sql with a down is reversible', async () => {
      await roundTrip(USERS, (db) =>
        db.sql('CREATE TABLE app.raw (x int)', { down: 'DROP TABLE app.raw', class: 'additive' }),
      );
    });

    it('tagged sql binds values, returns rows, and makes the automatic down refuse', async () => {
      const rec = createOperationRecorder(MAX_NAME_BYTES, (op) => apply([op]));
      const rows = await rec.db.sql<{ n: number }>`SELECT ${41}::int + 1 AS n`;
      expect(rows).toEqual([{ n: 42 }]);
      const down = deriveDown(rec.operations, []);
      expect(down.ok ? '' : down.reason).toBe(
        'sql: SELECT ?::int + 1 AS n cannot be undone automatically: write a down step',
      );
    });
  });
});
