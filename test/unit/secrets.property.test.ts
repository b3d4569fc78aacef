/**
 * No password, or any part of one, reaches an error message, its `--json` form or a printed URL,
 * whatever is wrong with the URL: unencoded `/ # ? @ : %`, no `//`, no host, quotes and spaces,
 * unicode. Generated cases go through maskUrl, parseDatabaseUrl and the config loader (a config
 * object, JSON and TypeScript config files, broken JSON around the URL, a config that throws with
 * the URL in its message). The CLI binary gets a sample of the same cases in test/cli/secrets.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { maskSecrets, maskUrl, parseDatabaseUrl } from '../../src/config/url.js';
import { PgDriver } from '../../src/dialects/postgres/pg-driver.js';
import { SluiceError } from '../../src/errors.js';
import { leak, type SecretCase, secretCase } from '../helpers/secrets.js';

const SEED = 20261203;
const RUNS = 300;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-secrets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything of an error that sluice prints: the message, every detail, the `--json` document. */
function shownOf(error: unknown): string {
  expect(error).toBeInstanceOf(SluiceError);
  const e = error as SluiceError;
  expect(e.exitCode).toBe(2);
  return `${e.message}\n${JSON.stringify(e.toJSON())}`;
}

function expectNoLeak(text: string, c: SecretCase, where: string): void {
  const found = leak(text, c);
  if (found !== null) {
    throw new Error(
      `${where} shows ${JSON.stringify(found)} of the password of ${JSON.stringify(c.url)}:\n${text}`,
    );
  }
}

/** What sluice shows for a config: the error, or the masked URL it would print (`status`). */
async function shownFor(load: () => Promise<unknown>): Promise<string> {
  try {
    const config = (await load()) as Awaited<ReturnType<typeof loadConfig>>;
    return config.target.kind === 'postgres' ? new PgDriver(config.target.url).description : '';
  } catch (error) {
    return shownOf(error);
  }
}

let n = 0;
function configFile(name: string, text: string): string {
  const sub = join(dir, String(n++));
  const path = join(sub, name);
  mkdirSync(sub);
  writeFileSync(path, text);
  return sub;
}

describe(`passwords never shown (fast-check seed ${SEED}, ${RUNS} runs)`, () => {
  it(`maskUrl, maskSecrets and parseDatabaseUrl (seed ${SEED})`, () => {
    fc.assert(
      fc.property(secretCase('app'), (c) => {
        // Without an `@` there is no password part to mask: those URLs are only ever shown
        // through parseDatabaseUrl's error, checked below.
        if (c.shape !== 'noHost' && c.shape !== 'keyValue') {
          expectNoLeak(maskUrl(c.url), c, 'maskUrl');
          expectNoLeak(maskSecrets(`cannot reach ${c.url}: refused`), c, 'maskSecrets');
        }
        let shown: string;
        try {
          const target = parseDatabaseUrl(c.url);
          expect(target.kind).toBe('postgres');
          shown = target.kind === 'postgres' ? maskUrl(target.url) : '';
        } catch (error) {
          shown = shownOf(error);
        }
        expectNoLeak(shown, c, 'parseDatabaseUrl');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`the config loader: a config object, JSON and TypeScript files, broken JSON, a throwing config (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(secretCase('app'), async (c) => {
        const env = {};
        const shown = [
          await shownFor(() => loadConfig({ cwd: dir, env, config: { database: c.url } })),
          await shownFor(() => loadConfig({ cwd: dir, env: { DATABASE_URL: c.url } })),
          await shownFor(() =>
            loadConfig({ cwd: configFile('sluice.config.json', JSON.stringify({ database: c.url })), env }),
          ),
          await shownFor(() =>
            loadConfig({
              cwd: configFile('sluice.config.json', `{\n  "database": ${JSON.stringify(c.url)} "x": 1\n}\n`),
              env,
            }),
          ),
          await shownFor(() =>
            loadConfig({ cwd: configFile('sluice.config.json', `{"database": '${c.url}'}`), env }),
          ),
          await shownFor(() =>
            loadConfig({
              cwd: configFile('sluice.config.ts', `export default { database: ${JSON.stringify(c.url)} };\n`),
              env,
            }),
          ),
        ];
        // A config that throws quoting the URL: its message is masked on the way out. Only URLs
        // with an `@` can be recognised in free text (without one there is no password syntax).
        if (c.url.includes('@') && c.shape !== 'keyValue') {
          const text = `throw new Error(${JSON.stringify(`cannot use ${c.url} today`)});\n`;
          const error = await loadConfig({ cwd: configFile('sluice.config.ts', text), env }).catch((e) => e);
          shown.push(shownOf(error));
        }
        expectNoLeak(shown.join('\n'), c, 'loadConfig');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 300_000);
});
