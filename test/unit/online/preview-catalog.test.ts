/**
 * The catalog a preview sees: the effect of each recorded statement, over the live catalog for
 * everything no recorded statement touched (undefined here).
 */
import { beforeAll, expect, test } from 'vitest';
import { loadParser, parseSql } from '../../../src/dialects/postgres/parser.js';
import { PreviewCatalog } from '../../../src/online/preview-catalog.js';

beforeAll(loadParser);

function applied(...statements: string[]): PreviewCatalog {
  const c = new PreviewCatalog('public');
  for (const s of statements) {
    const r = parseSql(s);
    if (!r.ok) throw new Error(r.message);
    for (const st of r.stmts) c.apply(st.node);
  }
  return c;
}

test('columns, constraints and indexes a start adds are seen; untouched facts are left to the live catalog', () => {
  const c = applied(
    'ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "_sluice_age" bigint',
    'ALTER TABLE "public"."users" ADD CONSTRAINT "_sluice_nn_age" CHECK ("_sluice_age" IS NOT NULL) NOT VALID',
    'CREATE UNIQUE INDEX CONCURRENTLY "_sluice_users_email_key" ON "public"."users" ("_sluice_email")',
  );
  expect(c.column('public', 'users', '_sluice_age')).toBe(true);
  expect(c.column('public', 'users', 'age')).toBeUndefined();
  expect(c.table('public', 'users')).toBeUndefined();
  expect(c.constraint('public', '_sluice_nn_age')).toEqual({ valid: false });
  expect(c.index('public', '_sluice_users_email_key')).toEqual({ valid: true });
  expect(c.index('other', '_sluice_users_email_key')).toBeUndefined();
});

test('validate, drop and rename change what later probes see', () => {
  const c = applied(
    'ALTER TABLE "public"."users" ADD CONSTRAINT "k" CHECK (a > 0) NOT VALID',
    'ALTER TABLE "public"."users" VALIDATE CONSTRAINT "k"',
    'ALTER TABLE "public"."users" ADD COLUMN "_sluice_a" int',
    'ALTER TABLE "public"."users" RENAME COLUMN "_sluice_a" TO "a"',
    'ALTER INDEX "public"."_sluice_i" RENAME TO "i"',
    'DROP INDEX CONCURRENTLY IF EXISTS "public"."j"',
  );
  expect(c.constraint('public', 'k')).toEqual({ valid: true });
  expect(c.column('public', 'users', '_sluice_a')).toBe(false);
  expect(c.column('public', 'users', 'a')).toBe(true);
  expect(c.index('public', '_sluice_i')).toBeNull();
  expect(c.index('public', 'i')).toEqual({ valid: true });
  expect(c.index('public', 'j')).toBeNull();
});

test('a table swap: the new table takes the name and its columns, the old one its live columns', () => {
  const c = applied(
    'CREATE TABLE IF NOT EXISTS "public"."_sluice_users" ("id" int NOT NULL, "full_name" text, CONSTRAINT "_sluice_users_pkey" PRIMARY KEY ("id"))',
    'ALTER TABLE "public"."users" RENAME TO "_sluice_old_users"',
    'ALTER TABLE "public"."_sluice_users" RENAME TO "users"',
  );
  expect(c.table('public', '_sluice_users')).toBe(false);
  expect(c.table('public', '_sluice_old_users')).toBe(true);
  expect(c.column('public', 'users', 'full_name')).toBe(true);
  expect(c.column('public', '_sluice_users', 'full_name')).toBe(false);
  expect(c.liveName('public', '_sluice_old_users')).toBe('users');
  expect(c.column('public', '_sluice_old_users', 'email')).toBeUndefined(); // asked as users.email
  expect(c.constraint('public', '_sluice_users_pkey')).toEqual({ valid: true });
});

test('a fork is independent: complete and abort both start from what the start left', () => {
  const start = applied('ALTER TABLE "public"."users" ADD COLUMN "_sluice_x" int');
  const abort = start.fork();
  const r = parseSql('ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "_sluice_x"');
  if (r.ok) abort.apply(r.stmts[0]!.node);
  expect(abort.column('public', 'users', '_sluice_x')).toBe(false);
  expect(start.column('public', 'users', '_sluice_x')).toBe(true);
});
