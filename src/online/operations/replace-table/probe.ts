/**
 * Tries the whole new table before anything changes: the same statements `start` will run (the
 * table, everything carried, the identities the swap adds, the owner), on a scratch name, in a
 * transaction that is always rolled back. A definition that does not fit the new columns (a check
 * over a column whose type changed, an expression index a new type has no operator for…) is refused
 * here, naming the object, with exit 2 — never half-way through `start`.
 */
import { dialectNamed } from '../../../dialects/index.js';
import { LockTimeoutError, MigrationFileError } from '../../../errors.js';
import { ident, raw, sql } from '../../../sql/tag.js';
import { run, type Session } from '../../db.js';
import type { Carry, NewColumn } from './carry.js';
import { carryStatements, createTable, type Labelled, ownerStatement } from './ddl.js';

/** What the probe needs to know about the planned new table. */
export interface ProbeSpec {
  schema: string;
  table: string;
  /** Scratch name the statements run against. */
  scratch: string;
  columns: NewColumn[];
  primaryKey: string[];
  pkName: string;
  carry: Carry;
}

function statements(p: ProbeSpec): Labelled[] {
  const t = ident(p.schema, p.scratch);
  const ids = p.carry.identities.flatMap((id) => [
    {
      what: `identity of column "${id.column}"`,
      stmt: sql`ALTER TABLE ${t} ALTER COLUMN ${ident(id.column)} DROP DEFAULT`,
    },
    {
      what: `identity of column "${id.column}"`,
      stmt: sql`ALTER TABLE ${t} ALTER COLUMN ${ident(id.column)} ADD GENERATED ${raw(id.always ? 'ALWAYS' : 'BY DEFAULT')} AS IDENTITY${raw(id.options ? ` (${id.options})` : '')}`,
    },
  ]);
  return [
    {
      what: 'the new table',
      stmt: createTable(p.schema, p.scratch, p.columns, p.pkName, p.primaryKey, p.carry),
    },
    ...carryStatements(p.schema, p.scratch, p.carry, p.columns),
    ...ids,
    ...(p.carry.forceRowSecurity
      ? [{ what: 'row-level security', stmt: sql`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY` }]
      : []),
    ownerStatement(p.schema, p.scratch, p.carry),
  ];
}

/**
 * @example
 * await probeNewTable(session, spec, 'migrations/20240101_split.ts');
 */
export async function probeNewTable(session: Session, p: ProbeSpec, file: string): Promise<void> {
  await session.conn.query('BEGIN');
  try {
    await session.conn.query(
      `SET LOCAL lock_timeout = '${Math.max(1, Math.floor(session.lockTimeoutMs))}ms'`,
    );
    for (const l of statements(p)) {
      try {
        await run(session.conn, l.stmt);
      } catch (cause) {
        if (dialectNamed('postgres').errorInfo(cause).lockTimeout) {
          throw new LockTimeoutError(
            `replaceTable ${p.table}: trying ${l.what} needs a brief lock (a foreign key's referenced table) that was not had within ${session.lockTimeoutMs} ms.`,
            {
              hint: 'A long transaction holds that table; end it and run sluice up again (nothing has changed).',
            },
          );
        }
        const message = cause instanceof Error ? cause.message : String(cause);
        throw new MigrationFileError(
          `replaceTable ${p.table}: ${l.what} cannot be carried to the new table: ${message}.`,
          {
            cause,
            details: {
              file,
              hint: 'Change the new columns so it fits, or list the object in `omit` (it is then left behind; create its replacement in a later migration).',
            },
          },
        );
      }
    }
  } finally {
    await session.conn.query('ROLLBACK');
  }
}
