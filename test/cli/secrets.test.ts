/**
 * The built binary never prints a password, whole or in part, and never a stack trace, for a
 * sample of the generated URLs of test/unit/secrets.property.test.ts (which runs 300 of them
 * through the library): `status` and `up --dry-run`, human and `--json`, with the URL given by
 * --url, DATABASE_URL, sluice.config.json and sluice.config.ts in turn. Valid URLs reach the real
 * server (trust auth ignores the password), so the success path is covered too.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CliResult, SLOW, sluice, tableMigration } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { createPgDatabase } from '../helpers/databases.js';
import { leak, type SecretCase, SHAPES, type Shape, STACK_TRACE, secretCase } from '../helpers/secrets.js';

const SEED = 20261203;
const SAMPLE = 12;
const COMMANDS = [['status'], ['status', '--json'], ['up', '--dry-run'], ['up', '--dry-run', '--json']];

describe(`CLI: passwords never printed (fast-check seed ${SEED}, ${SAMPLE} URLs × 4 commands)`, () => {
  const cli = cliSuite(() => createPgDatabase('cli'), {
    files: { 'migrations/1_first.sql': tableMigration('first') },
    per: 'suite',
  });

  function channel(c: SecretCase, i: number): { args: string[]; env: Record<string, string> } {
    for (const f of ['sluice.config.json', 'sluice.config.ts'])
      rmSync(join(cli.project.dir, f), { force: true });
    switch (i % 4) {
      case 0:
        return { args: ['--url', c.url], env: {} };
      case 1:
        return { args: [], env: { DATABASE_URL: c.url } };
      case 2:
        cli.project.write('sluice.config.json', JSON.stringify({ database: c.url }));
        return { args: [], env: {} };
      default:
        cli.project.write('sluice.config.ts', `export default { database: ${JSON.stringify(c.url)} };\n`);
        return { args: [], env: {} };
    }
  }

  it(
    `status and up --dry-run, human and --json (seed ${SEED})`,
    async () => {
      const dbName = new URL(cli.db.url).pathname.slice(1);
      // One valid URL (the password percent-encoded) of each shape, seed SEED + the shape's
      // index, so the sample reaches the server; then cases of any shape and encoding.
      const shapes = Object.keys(SHAPES) as Shape[];
      const cases = [
        ...shapes.flatMap((shape, i) =>
          fc.sample(secretCase(dbName, [shape], [1]), { seed: SEED + i, numRuns: 1 }),
        ),
        ...fc.sample(secretCase(dbName), { seed: SEED, numRuns: SAMPLE - shapes.length }),
      ];
      const codes = new Set<number>();
      for (const [i, c] of cases.entries()) {
        const { args, env } = channel(c, i);
        for (const command of COMMANDS) {
          const r: CliResult = await sluice([...command, ...args], { cwd: cli.project.dir, env });
          const output = `${r.stdout}\n${r.stderr}`;
          const where = `${command.join(' ')} with ${JSON.stringify(c.url)} (channel ${i % 4}), exit ${r.code}:\n${output}`;
          expect(leak(output, c), where).toBeNull();
          expect(output, where).not.toMatch(STACK_TRACE);
          expect([0, 1, 2], where).toContain(r.code);
          if (command.includes('--json')) expect(() => JSON.parse(r.stdout), where).not.toThrow();
          codes.add(r.code);
        }
      }
      // The sample reaches the server (0), a refused or failed connection (1) and bad URLs (2).
      expect([...codes].sort()).toEqual([0, 1, 2]);
    },
    SLOW * 2,
  );
});
