import { describe, expect, it } from 'vitest';
import { postgresDialect } from '../../src/dialects/postgres/dialect.js';
import { MigrationFailedError } from '../../src/errors.js';
import { DryRunSink, migrationError, positionInFile } from '../../src/runner/sink.js';

describe('positionInFile', () => {
  const origin = { file: 'migrations/1_a.sql', line: 10, column: 3 };

  it('is the statement start without a position', () => {
    expect(positionInFile('SELECT 1', origin, undefined)).toEqual({ line: 10, column: 3 });
  });

  it('is nothing without a line', () => {
    expect(positionInFile('SELECT 1', { file: 'x.ts' }, 5)).toEqual({});
  });

  it('counts columns from the statement column on its first line', () => {
    // position is 1-based: 8 is the `n` of `nope`.
    expect(positionInFile('SELECT nope', origin, 8)).toEqual({ line: 10, column: 10 });
    expect(positionInFile('SELECT nope', origin, 1)).toEqual({ line: 10, column: 3 });
  });

  it('counts lines and columns on later lines from column 1', () => {
    const statement = 'CREATE TABLE t (\n  id int,\n  bad typo\n)';
    const position = statement.indexOf('typo') + 1;
    expect(positionInFile(statement, origin, position)).toEqual({ line: 12, column: 7 });
  });

  it('has no column on the first line when the origin has none (a TypeScript call)', () => {
    expect(positionInFile('SELECT nope', { file: 'x.ts', line: 4 }, 8)).toEqual({
      line: 4,
      column: undefined,
    });
    expect(positionInFile('SELECT\n  nope', { file: 'x.ts', line: 4 }, 10)).toEqual({ line: 5, column: 3 });
  });
});

describe('migrationError', () => {
  const pgError = Object.assign(new Error('relation "nope" does not exist'), {
    code: '42P01',
    position: '13',
    hint: 'Create it first.',
  });

  it('names the file, line, column, statement, message and SQLSTATE', () => {
    const error = migrationError(
      postgresDialect,
      pgError,
      'INSERT INTO nope VALUES (1)',
      { file: 'migrations/2_b.sql', line: 5, column: 1, index: 2 },
      'Migration 2_b (up)',
    );
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      'Migration 2_b (up) failed at migrations/2_b.sql:5:13: relation "nope" does not exist [42P01]',
    );
    expect(error.details).toEqual({
      file: 'migrations/2_b.sql',
      line: 5,
      column: 13,
      statement: 'INSERT INTO nope VALUES (1)',
      statementIndex: 2,
      sqlState: '42P01',
      detail: undefined,
      hint: 'Create it first.',
    });
    expect(error.cause).toBe(pgError);
  });

  it('keeps a MigrationFailedError as it is', () => {
    const inner = new MigrationFailedError('inner');
    expect(migrationError(postgresDialect, inner, 'x', { file: 'f' }, 'l')).toBe(inner);
  });

  it('works without a line or a code', () => {
    const error = migrationError(postgresDialect, new Error('boom'), ' SELECT 1 ', { file: 'f.ts' }, 'M');
    expect(error.message).toBe('M failed at f.ts: boom');
    expect(error.details.statement).toBe('SELECT 1');
  });
});

describe('DryRunSink', () => {
  it('records statements with semicolons and inlines parameters as literals', async () => {
    const sink = new DryRunSink(postgresDialect);
    expect(sink.dryRun).toBe(true);
    sink.comment('migrations/1_a.sql (up)');
    await sink.exec('BEGIN');
    await sink.exec('  CREATE TABLE t (id int);  ');
    await sink.exec('INSERT INTO t VALUES ($1, $2, $10)', [1, "it's", 'ten']);
    await sink.exec('UPDATE t SET a = $1, b = $2', ['C:\\x', null]);
    await sink.exec('SELECT $3', [1]);
    const result = await sink.exec('COMMIT');
    expect(result).toEqual({ rows: [], rowCount: 0 });
    expect(sink.script).toMatchInlineSnapshot(`
      "-- migrations/1_a.sql (up)
      BEGIN;
      CREATE TABLE t (id int);
      INSERT INTO t VALUES (1, 'it''s', $10);
      UPDATE t SET a = E'C:\\\\x', b = NULL;
      SELECT $3;
      COMMIT;
      "
    `);
  });
});
