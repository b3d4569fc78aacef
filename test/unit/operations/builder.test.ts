import { describe, expect, it } from 'vitest';
import { postgresDialect } from '../../../src/dialects/postgres/dialect.js';
import { MigrationFileError } from '../../../src/errors.js';
import { createOperationRecorder } from '../../../src/operations/builder.js';
import { defaultName, toName } from '../../../src/operations/names.js';
import {
  classifyOperation,
  definitionOf,
  operationDefinitions,
  validateOperation,
} from '../../../src/operations/registry.js';
import type { Operation } from '../../../src/operations/types.js';

const MAX_NAME_BYTES = postgresDialect.maxIdentifierLength;

describe('createOperationRecorder', () => {
  it('executes operations in call order, even without await, and records those that succeeded', async () => {
    const seen: string[] = [];
    const rec = createOperationRecorder(MAX_NAME_BYTES, async (op) => {
      await new Promise((r) => setTimeout(r, op.kind === 'createTable' ? 20 : 0));
      seen.push(op.kind);
      if (op.kind === 'dropTable') throw new Error('boom');
    });
    void rec.db.createTable('t', { a: 'int' });
    void rec.db.addColumn('t', 'b', 'int');
    const failed = rec.db.dropTable('t');
    const after = rec.db.addIndex('t', 'a');
    await expect(failed).rejects.toThrow('boom');
    // Once an operation failed, later ones do not run.
    await expect(after).rejects.toThrow('boom');
    await expect(rec.settled()).rejects.toThrow('boom');
    expect(seen).toEqual(['createTable', 'addColumn', 'dropTable']);
    expect(rec.operations.map((o) => o.kind)).toEqual(['createTable', 'addColumn']);
  });

  it('the tagged sql form resolves to what the executor returned', async () => {
    const rec = createOperationRecorder(MAX_NAME_BYTES, async (op) =>
      op.kind === 'sql' ? [{ n: 1 }] : undefined,
    );
    await expect(rec.db.sql`SELECT ${1} AS n`).resolves.toEqual([{ n: 1 }]);
    await expect(rec.db.sql('SELECT 1')).resolves.toBeUndefined();
  });

  it('a bad call rejects with a MigrationFileError and records nothing', async () => {
    const rec = createOperationRecorder(MAX_NAME_BYTES);
    const call = rec.db.addColumn('users', '', { type: 'text' });
    await expect(call).rejects.toBeInstanceOf(MigrationFileError);
    await expect(call).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: addColumn users: option \`column.name\` must be a non-empty name, got ""]`,
    );
    await expect(rec.db.createTable(null as never, {})).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MigrationFileError: createTable null: option \`table\` must name a table like 'users' or 'app.users', got {"name":null}]`,
    );
    expect(rec.operations).toEqual([]);
  });
});

describe('registry', () => {
  it('has one definition per kind, each naming its own kind', () => {
    for (const [kind, def] of Object.entries(operationDefinitions)) expect(def.kind).toBe(kind);
  });

  it('rejects an unknown kind with the list of known ones', () => {
    expect(() => validateOperation({ kind: 'truncate' } as unknown as Operation)).toThrow(MigrationFileError);
    expect(() => definitionOf({ kind: 'toString' } as unknown as Operation)).toThrow(
      'Unknown operation kind "toString"',
    );
  });

  it('classifies', () => {
    expect(classifyOperation({ kind: 'dropColumn', table: { name: 't' }, column: 'c' })).toBe('destructive');
  });
});

describe('names', () => {
  it('normalizes table references', () => {
    expect(toName('users')).toEqual({ name: 'users' });
    expect(toName('app.users')).toEqual({ schema: 'app', name: 'users' });
    expect(toName({ schema: 'a.b', name: 'c.d' })).toEqual({ schema: 'a.b', name: 'c.d' });
    expect(toName({ name: 'x' })).toEqual({ name: 'x' });
    expect(toName('.hidden')).toEqual({ name: '.hidden' });
  });

  it('chooses default names like PostgreSQL', () => {
    expect(defaultName('orders', ['user_id'], 'fkey', MAX_NAME_BYTES)).toBe('orders_user_id_fkey');
    expect(defaultName('t'.repeat(70), [], 'key', MAX_NAME_BYTES)).toBe(`${'t'.repeat(59)}_key`);
    expect(
      Buffer.byteLength(defaultName('é'.repeat(40), ['ü'.repeat(40)], 'idx', MAX_NAME_BYTES)),
    ).toBeLessThanOrEqual(63);
  });
});
