/**
 * The setup most CLI suites share: a fresh database and an empty temporary project for each test
 * (or for the whole suite), both removed afterwards, and `run` for `sluice <args>` in that project
 * against that database.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type CliResult, migrationStates, type Project, sluice, tempProject } from './cli.js';
import type { TestDatabase } from './databases.js';

export interface CliSuiteOptions {
  /** Files written into each new project, by path relative to it. */
  files?: Record<string, string>;
  /** How the database URL reaches sluice: `DATABASE_URL` (default) or `--url` after the arguments. */
  url?: 'env' | 'flag';
  /** A database and project for each test (default), or one for the whole suite. */
  per?: 'test' | 'suite';
}

export interface CliSuite {
  /** The current test's database (after `beforeEach`). */
  readonly db: TestDatabase;
  /** The current test's project directory. */
  readonly project: Project;
  /** Runs `sluice <args>` in the project against the database. */
  run(...args: string[]): Promise<CliResult>;
  /** `version:state` of every migration, from `status --json`. */
  states(): Promise<string[]>;
  /** Replaces the project by a new empty one (without `options.files`). */
  newProject(): Project;
}

/**
 * Registers the hooks that make and remove the database and the project, and returns accessors for
 * them. Call it at the top of a `describe` (or of the file).
 *
 * @example
 * describe.each(SERVER_TARGETS)('refusals on $label', ({ create }) => {
 *   const cli = cliSuite(create, { files: { 'migrations/1_one.sql': tableMigration('one') } });
 *   it('up applies', async () => expect((await cli.run('up')).code).toBe(0));
 * });
 */
export function cliSuite(create: () => Promise<TestDatabase>, options: CliSuiteOptions = {}): CliSuite {
  let db: TestDatabase | undefined;
  let project: Project | undefined;
  const made = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`No ${what} yet: cliSuite's hooks have not run.`);
    return value;
  };
  const suite: CliSuite = {
    get db() {
      return made(db, 'database');
    },
    get project() {
      return made(project, 'project');
    },
    run: (...args) => {
      const url = suite.db.url;
      return options.url === 'flag'
        ? sluice([...args, '--url', url], { cwd: suite.project.dir })
        : sluice(args, { cwd: suite.project.dir, env: { DATABASE_URL: url } });
    },
    states: () => migrationStates(suite.run),
    newProject: () => {
      project?.remove();
      project = tempProject();
      return project;
    },
  };
  const [before, after] = options.per === 'suite' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    db = await create();
    const fresh = suite.newProject();
    for (const [path, text] of Object.entries(options.files ?? {})) fresh.write(path, text);
  });
  after(async () => {
    await db?.drop();
    project?.remove();
    db = undefined;
    project = undefined;
  });
  return suite;
}
