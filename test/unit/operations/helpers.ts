/** Shared helpers: record operations through the real builder and print compiled statements compactly. */
import { type CompileContext, compileOperation } from '../../../src/dialects/postgres/compiler.js';
import { postgresDialect } from '../../../src/dialects/postgres/dialect.js';
import { createOperationRecorder, type OperationMethods } from '../../../src/operations/builder.js';
import type { Operation } from '../../../src/operations/types.js';

const MAX_NAME_BYTES = postgresDialect.maxIdentifierLength;

/** A context where every table already exists (the safe-by-default paths). */
export const existing: CompileContext = { newTables: new Set(), server: { major: 15, minor: 0 } };

/** A context where `tables` were created earlier in the same migration. */
export function fresh(...tables: string[]): CompileContext {
  return { newTables: new Set(tables), server: { major: 15, minor: 0 } };
}

/** Records the operations `fn` calls on `db` (validated, not executed). */
export async function record(fn: (db: OperationMethods) => Promise<unknown>): Promise<Operation[]> {
  const rec = createOperationRecorder(MAX_NAME_BYTES);
  await fn(rec.db);
  return [...rec.operations];
}

/** Records exactly one operation. */
export async function one(fn: (db: OperationMethods) => Promise<unknown>): Promise<Operation> {
  const ops = await record(fn);
  if (ops.length !== 1 || ops[0] === undefined) throw new Error(`expected one operation, got ${ops.length}`);
  return ops[0];
}

/** Compiled statements, one block each: SQL, then metadata lines. */
export function show(op: Operation, ctx: CompileContext = existing): string {
  return compileOperation(op, ctx)
    .map((s) => {
      const locks = s.locks.map((l) => `${l.mode} ${l.table}`).join(', ') || 'none';
      const flags = [s.transactional ? 'tx' : 'no-tx', s.rewrites ? 'rewrites' : '', s.scans ? 'scans' : '']
        .filter(Boolean)
        .join(' ');
      const lines = [s.sql, `  [${flags}] locks: ${locks}`];
      if (s.values) lines.push(`  values: ${JSON.stringify(s.values)}`);
      if (s.note) lines.push(`  note: ${s.note}`);
      return lines.join('\n');
    })
    .join('\n');
}
