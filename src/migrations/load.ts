/**
 * Loads a migration's code: parses SQL files, imports TypeScript/JavaScript files (TypeScript
 * through jiti, without a build step).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sluiceEntry } from '../config/load.js';
import { MigrationFileError } from '../errors.js';
import { parsePlainSqlMigration, parseSqlMigration } from './sql-file.js';
import type { LoadedMigration, MigrationDefinition, MigrationFile } from './types.js';

type Jiti = { import<T>(id: string, opts?: { default?: true }): Promise<T> };
let jiti: Promise<Jiti> | undefined;

async function importModule(file: MigrationFile): Promise<unknown> {
  const path = resolve(file.path);
  if (file.kind === 'js') return import(pathToFileURL(path).href);
  jiti ??= import('jiti').then(({ createJiti }) => {
    // Stack traces of TypeScript migrations then point at the .ts line that ran a statement.
    process.setSourceMapsEnabled?.(true);
    return createJiti(import.meta.url, {
      sourceMaps: true,
      moduleCache: false,
      alias: { sluice: sluiceEntry() },
    }) as Jiti;
  });
  return (await jiti).import(path);
}

function fail(file: MigrationFile, message: string, hint: string, cause?: unknown): never {
  throw new MigrationFileError(`${file.path}: ${message}`, { cause, details: { file: file.path, hint } });
}

/**
 * Loads the code of one migration file.
 *
 * @example
 * const loaded = await loadMigration(listMigrations('migrations')[0]);
 */
export async function loadMigration(file: MigrationFile): Promise<LoadedMigration> {
  if (file.kind === 'sql') {
    const parsed = (file.plain ? parsePlainSqlMigration : parseSqlMigration)(file.text, file.path);
    return {
      up: {
        kind: 'sql',
        statements: parsed.up.statements,
        transaction: parsed.up.transaction,
        line: parsed.up.line,
      },
      down: parsed.down
        ? {
            kind: 'sql',
            statements: parsed.down.statements,
            transaction: parsed.down.transaction,
            line: parsed.down.line,
          }
        : null,
    };
  }
  let mod: unknown;
  try {
    mod = await importModule(file);
  } catch (cause) {
    fail(
      file,
      `cannot be loaded: ${(cause as Error)?.message ?? String(cause)}`,
      'Fix the error in the migration file.',
      cause,
    );
  }
  const exported = (mod as { default?: unknown }).default ?? mod;
  const def = (exported as { default?: unknown })?.default ?? exported;
  if (typeof def !== 'object' || def === null) {
    fail(
      file,
      'has no default export.',
      'Write `export default defineMigration({ up(db) { … }, down(db) { … } })`.',
    );
  }
  const definition = def as MigrationDefinition;
  if (definition.transaction !== undefined && typeof definition.transaction !== 'boolean') {
    fail(
      file,
      '`transaction` must be true or false.',
      'Use `transaction: false` to run outside a transaction.',
    );
  }
  if (definition.online) {
    if (typeof definition.operations !== 'function') {
      fail(
        file,
        'an online migration needs `operations: (op) => [...]`.',
        'See the README section "Zero-downtime migrations".',
      );
    }
  } else if (typeof definition.up !== 'function') {
    fail(
      file,
      'the default export has no `up` function.',
      'Write `export default defineMigration({ up(db) { … } })`.',
    );
  }
  if (definition.down !== undefined && definition.down !== null && typeof definition.down !== 'function') {
    fail(
      file,
      '`down` must be a function.',
      'Write `down(db) { … }`, or omit it to derive it from typed operations.',
    );
  }
  const transaction = definition.transaction !== false;
  return {
    up: { kind: 'fn', fn: definition.up ?? (() => {}), transaction },
    down: typeof definition.down === 'function' ? { kind: 'fn', fn: definition.down, transaction } : null,
    definition,
  };
}
