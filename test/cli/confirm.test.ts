/**
 * `sluice down` on a terminal asks the user to type the target. A pseudo-terminal comes from
 * util-linux's `script`, so the prompt runs exactly as it does for a person.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, type Project, SLOW, sluice, tables, tempProject } from '../helpers/cli.js';
import { createPgDatabase, type TestDatabase } from '../helpers/databases.js';

/** Runs the CLI on a pseudo-terminal, typing `answer` once the prompt is shown. */
function onTerminal(args: string[], cwd: string, answer: string): Promise<{ code: number; output: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    // A pseudo-terminal starts with no size; give it one so the prompt is not wrapped per character.
    const child = spawn('script', ['-qec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    let typed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!typed && output.includes('to confirm')) {
        typed = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    // Bounded: if the prompt never shows, the child is ended and the assertions fail.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

describe('down on a terminal', { timeout: SLOW }, () => {
  let db: TestDatabase;
  let project: Project;
  beforeEach(async () => {
    db = await createPgDatabase('confirm');
    project = tempProject();
    mkdirSync(join(project.dir, 'migrations'));
    writeFileSync(
      join(project.dir, 'migrations', '1_a.sql'),
      '-- migrate:up\nCREATE TABLE a (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE a;\n',
    );
    const up = await sluice(['up', '--url', db.url], { cwd: project.dir });
    expect(up.code, up.stderr).toBe(0);
  });
  afterEach(async () => {
    project.remove();
    await db.drop();
  });

  it('reverts nothing and exits 3 when the typed answer is not the target', async () => {
    const r = await onTerminal(['down', '--url', db.url], project.dir, 'yes');
    expect(r.code).toBe(3);
    expect(r.output).toContain('Will revert 1 migration(s)');
    expect(r.output).toContain('Rollback not confirmed');
    expect(await tables(db.url)).toContain('a');
  });

  it('reverts after the target is typed', async () => {
    const r = await onTerminal(['down', '--url', db.url], project.dir, '-1');
    expect(r.code).toBe(0);
    expect(r.output).toContain('Reverted 1 migration(s).');
    expect(await tables(db.url)).not.toContain('a');
  });
});
