/** `sluice lint --fix` through the built binary: rewrites the file in place, then lints it again. */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Project, sluice, tempProject } from '../helpers/cli.js';

let project: Project;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.remove());

it('lint --fix writes the safe rewrite, reports it, and a second run changes nothing', async () => {
  const path = project.write(
    'migrations/1_t.sql',
    '-- migrate:up transaction:false\nCREATE TABLE t (id bigint);\nDROP TABLE old;\n',
  );
  const first = await sluice(['lint', '--fix'], { cwd: project.dir });
  expect(first.stderr).toContain('fixed migrations/1_t.sql: 2 statement(s) rewritten (prefer-robust-stmts)');
  expect(readFileSync(path, 'utf8')).toBe(
    '-- migrate:up transaction:false\nCREATE TABLE IF NOT EXISTS t (id bigint);\nDROP TABLE IF EXISTS old;\n',
  );
  // What remains is printed; ban-drop-table is an error that has no drop-in fix.
  expect(first.stdout).not.toContain('prefer-robust-stmts');
  expect(first.stdout).toContain('ban-drop-table');
  expect(first.code).toBe(3);
  const second = await sluice(['lint', '--fix'], { cwd: project.dir });
  expect(second.stderr).not.toContain('fixed');
  expect(readFileSync(path, 'utf8')).toContain('DROP TABLE IF EXISTS old;');
});
