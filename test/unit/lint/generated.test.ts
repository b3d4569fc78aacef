/**
 * SQL that sluice generates from typed operations passes sluice's own linter: the user cannot edit
 * it, and the runner never repeats a generated statement that took effect (it commits each one with
 * its progress record, or settles an interrupted concurrent build from the catalog). SQL the user
 * wrote in the same migration is still held to the rule.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { postgresDialect } from '../../../src/dialects/postgres/dialect.js';
import { lintPaths } from '../../../src/lint/lint-files.js';
import { scriptStatementsLoader } from '../../../src/runner/safety.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-generated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('typed operations outside a transaction raise no prefer-robust-stmts; the raw SQL beside them does', async () => {
  const file = join(dir, '20240101000000_typed.ts');
  writeFileSync(
    file,
    `import { defineMigration } from 'sluice';
export default defineMigration({
  async up(db) {
    await db.createTable('notes', { id: { type: 'bigint', identity: 'always', primaryKey: true }, body: 'text' });
    await db.addColumn('users', 'nickname', { type: 'text', nullable: true });
    await db.addIndex('users', ['nickname']);
    await db.addUnique('users', ['email']);
    await db.addCheck('users', 'users_nickname_len', 'length(nickname) < 100');
    await db.alterColumn('users', 'email', { nullable: false });
    await db.dropIndex('users', 'users_old_idx');
    await db.sql\`CREATE TABLE audit (id bigint)\`;
  },
});
`,
  );
  const report = await lintPaths([file], {
    loadStatements: scriptStatementsLoader(postgresDialect, { major: 15, minor: 0 }),
  });
  const robust = report.findings.filter((f) => f.rule === 'prefer-robust-stmts');
  expect(report.statements).toBeGreaterThan(8);
  expect(robust.map((f) => f.message.split(' fails')[0])).toEqual(['CREATE TABLE without IF NOT EXISTS']);
  expect(robust[0]!.line).toBe(11);
});
