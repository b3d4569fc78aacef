/**
 * Typed operations on PostgreSQL: the compiler, catalog capture and derived downs behind the
 * dialect's {@link OperationSupport} interface. Loaded lazily by the dialect.
 */
import { createOperationRecorder } from '../../operations/builder.js';
import type { Captured } from '../../operations/captured.js';
import { DATA_NOT_RESTORED } from '../../operations/captured.js';
import { definitionOf, deriveDown } from '../../operations/registry.js';
import type { OperationSupport } from '../dialect.js';
import { captureDefinition } from './capture.js';
import { advanceContext, type CompileContext, compileOperation } from './compiler.js';

/** The PostgreSQL implementation of {@link OperationSupport}. */
export const postgresOperations: OperationSupport = {
  initial: (server) => ({ newTables: new Set<string>(), server }) satisfies CompileContext,
  compile(op, state) {
    const ctx = state as CompileContext;
    return { statements: compileOperation(op, ctx), state: advanceContext(ctx, op) };
  },
  capture: (conn, op) => captureDefinition(conn, op),
  needsCapture: (op) => definitionOf(op).needsCapture(op),
  deriveDown(ops, captured) {
    const down = deriveDown(ops, captured as (Captured | null | undefined)[]);
    if (!down.ok) return { ok: false, reason: down.reason };
    const notes = down.operations.some((o) => o.note?.includes(DATA_NOT_RESTORED))
      ? [`The automatic down ${DATA_NOT_RESTORED}.`]
      : [];
    return { ok: true, operations: down.operations, notes };
  },
  recorder: (maxIdentifierLength, execute) => createOperationRecorder(maxIdentifierLength, execute),
};
