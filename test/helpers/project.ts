/**
 * Temporary sluice projects: a directory with a migrations folder and files written by the test.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SluiceConfig } from '../../src/config/define.js';
import type { RunnerEvent } from '../../src/runner/execute.js';
import { createMigrator, type Migrator } from '../../src/runner/migrator.js';

export interface TestProject {
  dir: string;
  migrationsDir: string;
  write(name: string, text: string): string;
  remove(name: string): void;
  migrator(config?: Partial<SluiceConfig>): Promise<Migrator & { events: RunnerEvent[] }>;
  cleanup(): void;
}

/** Creates a project whose migrator targets `url`. */
export function createProject(url: string, files: Record<string, string> = {}): TestProject {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-project-'));
  const migrationsDir = join(dir, 'migrations');
  const made: Migrator[] = [];
  const project: TestProject = {
    dir,
    migrationsDir,
    write(name, text) {
      const path = join(migrationsDir, name);
      writeFileSync(path, text);
      return path;
    },
    remove(name) {
      unlinkSync(join(migrationsDir, name));
    },
    async migrator(config = {}) {
      const events: RunnerEvent[] = [];
      const m = await createMigrator({
        cwd: dir,
        config: { database: url, migrations: 'migrations', lockTimeout: '2s', ...config },
        onEvent: (e) => events.push(e),
      });
      m.retryBaseMs = 20;
      made.push(m);
      return Object.assign(m, { events });
    },
    cleanup() {
      for (const m of made) void m.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  mkdirSync(migrationsDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) project.write(name, text);
  return project;
}

/** A dbmate-format SQL migration. */
export function sqlMigration(up: string, down?: string, options: { upTx?: boolean } = {}): string {
  const marker = options.upTx === false ? '-- migrate:up transaction:false' : '-- migrate:up';
  return `${marker}\n${up}\n${down === undefined ? '' : `\n-- migrate:down\n${down}\n`}`;
}

/** Runs a query through a migrator's own driver (on PGlite, the only safe way to read its data). */
export async function queryVia<R>(m: Migrator, text: string): Promise<R[]> {
  const conn = await (await m.driver()).connect();
  try {
    return (await conn.query<R>(text)).rows;
  } finally {
    await conn.close();
  }
}
