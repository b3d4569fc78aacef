/**
 * The pgroll-style table of online operations: for each, the migration and what must hold after
 * start (both versions read and write, and see each other's writes), after complete and after abort.
 */
import { expect } from 'vitest';
import type { OpBuilder } from '../../../src/online/index.js';
import type { OnlineOperation } from '../../../src/online/types.js';
import type { VersionSession } from './harness.js';

export const SETUP = [
  `CREATE TABLE teams (id int PRIMARY KEY, name text NOT NULL)`,
  `INSERT INTO teams VALUES (1, 'red'), (2, 'blue')`,
  `CREATE TABLE users (
     id serial PRIMARY KEY, email text UNIQUE, age int CHECK (age >= 0), first_name text, last_name text,
     phone text, legacy_flag boolean NOT NULL DEFAULT true, team_id int REFERENCES teams (id))`,
  `CREATE INDEX users_team_idx ON users (team_id)`,
  `INSERT INTO users (email, age, first_name, last_name, phone, team_id)
     SELECT 'u' || g || '@x', g, 'F' || g, 'L' || g, CASE WHEN g % 2 = 0 THEN NULL ELSE '555-' || g END, 1 + g % 2
       FROM generate_series(1, 300) g`,
];

export interface Versions {
  old: VersionSession;
  next: VersionSession;
  admin: VersionSession;
}

export interface Case {
  name: string;
  ops: (op: OpBuilder) => OnlineOperation[];
  afterStart(v: Versions): Promise<void>;
  afterComplete(v: { next: VersionSession; admin: VersionSession }): Promise<void>;
  afterAbort(v: { old: VersionSession; admin: VersionSession }): Promise<void>;
}

/** Asserts a statement fails with a message matching `re`. */
export async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  await expect(p).rejects.toThrow(re);
}

export const CASES: Case[] = [
  {
    name: 'renameColumn',
    ops: (op) => [op.renameColumn('users', 'email', 'email_address')],
    async afterStart({ old, next }) {
      expect(await next.one('SELECT email_address FROM users WHERE id = 1')).toEqual({
        email_address: 'u1@x',
      });
      await old.q(`INSERT INTO users (email) VALUES ('old@x')`);
      await next.q(`INSERT INTO users (email_address) VALUES ('new@x')`);
      expect((await next.q(`SELECT 1 FROM users WHERE email_address IN ('old@x', 'new@x')`)).length).toBe(2);
      expect((await old.q(`SELECT 1 FROM users WHERE email IN ('old@x', 'new@x')`)).length).toBe(2);
      await rejects(old.q('SELECT email_address FROM users'), /does not exist/);
    },
    async afterComplete({ next, admin }) {
      expect(await admin.one(`SELECT email_address FROM users WHERE id = 1`)).toEqual({
        email_address: 'u1@x',
      });
      await rejects(next.q(`INSERT INTO users (email_address) VALUES ('new@x')`), /unique/);
    },
    async afterAbort({ old }) {
      expect((await old.q(`SELECT 1 FROM users WHERE email IN ('old@x', 'new@x')`)).length).toBe(2);
    },
  },
  {
    name: 'alterColumn type with up/down',
    // Ages in tenths of a year, as bigint.
    ops: (op) => [
      op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint * 10', down: '(age / 10)::int' }),
    ],
    async afterStart({ old, next }) {
      expect(await next.one('SELECT age FROM users WHERE id = 3')).toEqual({ age: '30' });
      await old.q(`UPDATE users SET age = 42 WHERE id = 3`);
      expect(await next.one('SELECT age FROM users WHERE id = 3')).toEqual({ age: '420' });
      await next.q(`UPDATE users SET age = 70 WHERE id = 4`);
      expect(await old.one('SELECT age FROM users WHERE id = 4')).toEqual({ age: 7 });
      const [row] = await next.q(`INSERT INTO users (email, age) VALUES ('n@x', 90) RETURNING id`);
      expect(await old.one('SELECT age FROM users WHERE id = $1', [row?.id])).toEqual({ age: 9 });
      // The old check (age >= 0) is duplicated onto the new column: violations fail on both sides.
      await rejects(old.q(`UPDATE users SET age = -1 WHERE id = 5`), /check/);
    },
    async afterComplete({ admin }) {
      expect(
        await admin.one(
          `SELECT data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' AND column_name = 'age'`,
        ),
      ).toEqual({ data_type: 'bigint' });
      expect(await admin.one(`SELECT age FROM users WHERE id = 3`)).toEqual({ age: '420' });
      expect(
        await admin.one(`SELECT conname, convalidated FROM pg_constraint WHERE conname = 'users_age_check'`),
      ).toEqual({ conname: 'users_age_check', convalidated: true });
    },
    async afterAbort({ old }) {
      expect(await old.one('SELECT age FROM users WHERE id = 4')).toEqual({ age: 7 });
    },
  },
  {
    name: 'alterColumn on indexed/unique/fk columns, new default, check, unique',
    ops: (op) => [
      op.alterColumn('users', 'email', { type: 'varchar(100)', default: 'none' }),
      op.alterColumn('users', 'team_id', {
        type: 'bigint',
        check: { name: 'team_positive', expression: 'team_id > 0' },
      }),
      op.alterColumn('users', 'phone', {
        unique: { name: 'users_phone_key' },
        up: "coalesce(phone, 'p' || id)",
      }),
    ],
    async afterStart({ old, next }) {
      await rejects(next.q(`INSERT INTO users (email) VALUES ('u1@x')`), /unique|duplicate/);
      await rejects(next.q(`INSERT INTO users (email, team_id) VALUES ('z@x', 99)`), /foreign key/);
      await rejects(
        next.q(`INSERT INTO users (email, team_id) VALUES ('z@x', -1)`),
        /team_positive|foreign key/,
      );
      const [r] = await next.q(`INSERT INTO users (phone) VALUES ('x') RETURNING email`);
      expect(r?.email).toBe('none');
      await old.q(`INSERT INTO users (email, team_id) VALUES ('o@x', 2)`);
      expect(
        await next.one(`SELECT team_id, phone IS NOT NULL AS has_phone FROM users WHERE email = 'o@x'`),
      ).toEqual({ team_id: '2', has_phone: true });
    },
    async afterComplete({ admin }) {
      const idx = await admin.q(`SELECT indexname FROM pg_indexes WHERE tablename = 'users' ORDER BY 1`);
      expect(idx.map((i) => i.indexname)).toEqual([
        'users_email_key',
        'users_phone_key',
        'users_pkey',
        'users_team_idx',
      ]);
      const cons = await admin.q(
        `SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND NOT convalidated`,
      );
      expect(cons).toEqual([]);
      expect(
        await admin.one(
          `SELECT column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' AND column_name = 'email'`,
        ),
      ).toEqual({ column_default: "'none'::character varying" });
      await rejects(admin.q(`INSERT INTO users (email, team_id) VALUES ('q@x', 99)`), /foreign key/);
    },
    async afterAbort({ old }) {
      expect(await old.one(`SELECT team_id FROM users WHERE email = 'o@x'`)).toEqual({ team_id: 2 });
    },
  },
  {
    name: 'addColumn with up, not null, unique',
    ops: (op) => [
      op.addColumn('users', 'full_name', { type: 'text', up: "first_name || ' ' || last_name" }),
      op.addColumn('users', 'score', { type: 'int', default: 0, nullable: false }),
      op.addColumn('users', 'handle', {
        type: 'text',
        up: "'h' || id",
        unique: { name: 'users_handle_key' },
      }),
    ],
    async afterStart({ old, next }) {
      expect(await next.one('SELECT full_name, score, handle FROM users WHERE id = 5')).toEqual({
        full_name: 'F5 L5',
        score: 0,
        handle: 'h5',
      });
      await old.q(`UPDATE users SET first_name = 'Zed' WHERE id = 5`);
      expect(await next.one('SELECT full_name FROM users WHERE id = 5')).toEqual({ full_name: 'Zed L5' });
      await rejects(old.q('SELECT full_name FROM users'), /does not exist/);
      await rejects(next.q(`INSERT INTO users (email, score) VALUES ('a@x', NULL)`), /check|null/);
      await rejects(next.q(`INSERT INTO users (email, handle) VALUES ('a@x', 'h5')`), /unique|duplicate/);
      await next.q(`INSERT INTO users (email, full_name, handle) VALUES ('b@x', 'B', 'hb')`);
      expect(await old.one(`SELECT first_name FROM users WHERE email = 'b@x'`)).toEqual({ first_name: null });
    },
    async afterComplete({ admin }) {
      expect(
        await admin.one(
          `SELECT is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' AND column_name = 'score'`,
        ),
      ).toEqual({ is_nullable: 'NO' });
      expect(await admin.one(`SELECT contype FROM pg_constraint WHERE conname = 'users_handle_key'`)).toEqual(
        { contype: 'u' },
      );
    },
    async afterAbort({ admin }) {
      expect(
        await admin.q(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' AND column_name LIKE '%full_name%'`,
        ),
      ).toEqual([]);
    },
  },
  {
    name: 'addColumn with foreign key and check, alterColumn adds a foreign key',
    ops: (op) => [
      op.addColumn('users', 'mentor_team', {
        type: 'int',
        up: 'team_id',
        check: { name: 'mentor_team_small', expression: 'mentor_team < 100' },
        references: { name: 'users_mentor_team_fkey', table: 'teams', column: 'id', onDelete: 'set null' },
      }),
      op.alterColumn('users', 'age', {
        references: { name: 'users_age_team_fkey', table: 'teams', column: 'id' },
        up: 'least(age, 2)',
      }),
      // createTable's column forms: PostgreSQL's names, the referenced table's primary key.
      op.addColumn('users', 'buddy_team', {
        type: 'int',
        up: 'team_id',
        check: 'buddy_team > 0',
        references: { table: 'public.teams', onUpdate: 'cascade' },
      }),
    ],
    async afterStart({ old, next }) {
      expect(await next.one('SELECT mentor_team, age, buddy_team FROM users WHERE id = 3')).toEqual({
        mentor_team: 2,
        age: 2,
        buddy_team: 2,
      });
      await rejects(next.q(`INSERT INTO users (email, mentor_team) VALUES ('m@x', 7)`), /foreign key/);
      await rejects(next.q(`INSERT INTO users (email, buddy_team) VALUES ('m@x', 7)`), /foreign key/);
      await rejects(next.q(`INSERT INTO users (email, buddy_team) VALUES ('m@x', -1)`), /check/);
      await rejects(next.q(`INSERT INTO users (email, age) VALUES ('m@x', 7)`), /foreign key/);
      await old.q(`INSERT INTO users (email, age, team_id) VALUES ('o@x', 50, 1)`);
      expect(await next.one(`SELECT mentor_team, age FROM users WHERE email = 'o@x'`)).toEqual({
        mentor_team: 1,
        age: 2,
      });
    },
    async afterComplete({ admin }) {
      const cons = await admin.q(
        `SELECT conname, convalidated, confdeltype, confupdtype FROM pg_constraint
          WHERE conname IN ('mentor_team_small', 'users_mentor_team_fkey', 'users_age_team_fkey', 'users_buddy_team_check', 'users_buddy_team_fkey') ORDER BY 1`,
      );
      expect(cons).toEqual([
        { conname: 'mentor_team_small', convalidated: true, confdeltype: ' ', confupdtype: ' ' },
        { conname: 'users_age_team_fkey', convalidated: true, confdeltype: 'a', confupdtype: 'a' },
        { conname: 'users_buddy_team_check', convalidated: true, confdeltype: ' ', confupdtype: ' ' },
        { conname: 'users_buddy_team_fkey', convalidated: true, confdeltype: 'a', confupdtype: 'c' },
        { conname: 'users_mentor_team_fkey', convalidated: true, confdeltype: 'n', confupdtype: 'a' },
      ]);
    },
    async afterAbort({ old }) {
      expect(await old.one(`SELECT age FROM users WHERE email = 'o@x'`)).toEqual({ age: 50 });
    },
  },
  {
    name: 'alterColumn nullable: false with up',
    ops: (op) => [op.alterColumn('users', 'phone', { nullable: false, up: "coalesce(phone, 'none')" })],
    async afterStart({ old, next }) {
      expect(await next.one('SELECT phone FROM users WHERE id = 2')).toEqual({ phone: 'none' });
      await old.q(`INSERT INTO users (email) VALUES ('o@x')`);
      expect(await next.one(`SELECT phone FROM users WHERE email = 'o@x'`)).toEqual({ phone: 'none' });
      expect(await old.one(`SELECT phone FROM users WHERE email = 'o@x'`)).toEqual({ phone: null });
      await rejects(next.q(`INSERT INTO users (email, phone) VALUES ('n@x', NULL)`), /check|null/);
      await next.q(`UPDATE users SET phone = '1' WHERE id = 2`);
      expect(await old.one('SELECT phone FROM users WHERE id = 2')).toEqual({ phone: '1' });
    },
    async afterComplete({ admin }) {
      expect(
        await admin.one(
          `SELECT is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' AND column_name = 'phone'`,
        ),
      ).toEqual({ is_nullable: 'NO' });
      expect(
        await admin.q(
          `SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'c' AND conname LIKE '_sluice%'`,
        ),
      ).toEqual([]);
    },
    async afterAbort({ old }) {
      expect(await old.one('SELECT phone FROM users WHERE id = 4')).toEqual({ phone: null });
    },
  },
  {
    name: 'dropColumn with down',
    ops: (op) => [op.dropColumn('users', 'legacy_flag', { down: 'age > 100' })],
    async afterStart({ old, next }) {
      await rejects(next.q('SELECT legacy_flag FROM users'), /does not exist/);
      await next.q(`INSERT INTO users (email, age) VALUES ('n@x', 500)`);
      expect(await old.one(`SELECT legacy_flag FROM users WHERE email = 'n@x'`)).toEqual({
        legacy_flag: true,
      });
      await old.q(`UPDATE users SET legacy_flag = false WHERE id = 1`);
      await next.q(`UPDATE users SET age = 1000 WHERE id = 1`);
      // Updates from the new version leave the column it cannot see alone.
      expect(await old.one('SELECT legacy_flag FROM users WHERE id = 1')).toEqual({ legacy_flag: false });
    },
    async afterComplete({ admin }) {
      expect(
        await admin.q(
          `SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' AND column_name = 'legacy_flag'`,
        ),
      ).toEqual([]);
    },
    async afterAbort({ old }) {
      expect(await old.one(`SELECT legacy_flag FROM users WHERE email = 'n@x'`)).toEqual({
        legacy_flag: true,
      });
    },
  },
  {
    name: 'renameTable',
    ops: (op) => [op.renameTable('teams', 'squads'), op.renameColumn('squads', 'name', 'title')],
    async afterStart({ old, next }) {
      expect(await next.one('SELECT title FROM squads WHERE id = 1')).toEqual({ title: 'red' });
      await next.q(`INSERT INTO squads VALUES (3, 'green')`);
      expect(await old.one('SELECT name FROM teams WHERE id = 3')).toEqual({ name: 'green' });
      // Gone for the new version however it is used, though the base schema behind it has it.
      await rejects(next.q('SELECT * FROM teams'), /does not exist/);
      await rejects(next.q('SELECT count(*) FROM teams'), /does not exist/);
      await rejects(next.q(`INSERT INTO teams VALUES (9, 'x')`), /does not exist/);
      await rejects(next.q(`UPDATE teams SET name = 'x'`), /does not exist/);
      await rejects(next.q('DELETE FROM teams'), /does not exist/);
      expect(await old.one('SELECT count(*)::int AS n FROM teams')).toEqual({ n: 3 });
    },
    async afterComplete({ next, admin }) {
      expect(await admin.one('SELECT title FROM squads WHERE id = 3')).toEqual({ title: 'green' });
      expect(await next.one('SELECT title FROM squads WHERE id = 3')).toEqual({ title: 'green' });
    },
    async afterAbort({ admin }) {
      expect(await admin.one('SELECT name FROM teams WHERE id = 3')).toEqual({ name: 'green' });
    },
  },
  {
    name: 'dropTable',
    ops: (op) => [op.dropColumn('users', 'team_id'), op.dropTable('teams')],
    async afterStart({ old, next }) {
      await rejects(next.q('SELECT * FROM teams'), /does not exist/);
      expect((await old.q('SELECT * FROM teams')).length).toBe(2);
    },
    async afterComplete({ admin }) {
      expect(await admin.one(`SELECT to_regclass('public.teams') AS t`)).toEqual({ t: null });
    },
    async afterAbort({ old }) {
      expect((await old.q('SELECT * FROM teams')).length).toBe(2);
    },
  },
  {
    name: 'addIndex and addUnique',
    ops: (op) => [
      op.addIndex('users', ['last_name', 'first_name'], { name: 'users_names_idx' }),
      op.addUnique('users', ['first_name', 'last_name'], { name: 'users_names_key' }),
    ],
    async afterStart({ old, next }) {
      await rejects(
        old.q(`INSERT INTO users (first_name, last_name) VALUES ('F1', 'L1')`),
        /unique|duplicate/,
      );
      await rejects(
        next.q(`INSERT INTO users (first_name, last_name) VALUES ('F1', 'L1')`),
        /unique|duplicate/,
      );
    },
    async afterComplete({ admin }) {
      expect(await admin.q(`SELECT contype FROM pg_constraint WHERE conname = 'users_names_key'`)).toEqual([
        { contype: 'u' },
      ]);
      expect(
        await admin.q(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_names_idx'::regclass`),
      ).toEqual([{ indisvalid: true }]);
    },
    async afterAbort({ admin }) {
      expect(
        await admin.q(`SELECT 1 FROM pg_class WHERE relname IN ('users_names_idx', 'users_names_key')`),
      ).toEqual([]);
    },
  },
];
