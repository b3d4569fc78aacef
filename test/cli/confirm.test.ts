/**
 * `sluice down` on a terminal asks the user to type the target. A pseudo-terminal comes from
 * util-linux's `script`, so the prompt runs exactly as it does for a person.
 */
import { spawn } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { BIN, SLOW, tables } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { createPgDatabase } from '../helpers/databases.js';

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
  const cli = cliSuite(() => createPgDatabase('confirm'), {
    files: {
      'migrations/1_a.sql':
        '-- migrate:up\nCREATE TABLE a (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE a;\n',
    },
    url: 'flag',
  });
  beforeEach(async () => {
    const up = await cli.run('up');
    expect(up.code, up.stderr).toBe(0);
  });

  it('reverts nothing and exits 3 when the typed answer is not the target', async () => {
    const r = await onTerminal(['down', '--url', cli.db.url], cli.project.dir, 'yes');
    expect(r.code).toBe(3);
    expect(r.output).toContain('Will revert 1 migration(s)');
    expect(r.output).toContain('Rollback not confirmed');
    expect(await tables(cli.db.url)).toContain('a');
  });

  it('reverts after the target is typed', async () => {
    const r = await onTerminal(['down', '--url', cli.db.url], cli.project.dir, '-1');
    expect(r.code).toBe(0);
    expect(r.output).toContain('Reverted 1 migration(s).');
    expect(await tables(cli.db.url)).not.toContain('a');
  });
});
