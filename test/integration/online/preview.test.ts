/**
 * The preview of an online migration (`sluice plan`, `up --dry-run`) is made by the phases
 * themselves: for every operation of the table, what the preview records for start, complete and
 * abort is exactly what the real phases then send (the backfill engine's own statements aside,
 * which the preview shows as one batch's shape). The preview changes nothing, while an application
 * keeps writing.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { Connection } from '../../../src/dialects/dialect.js';
import { loadParser, parseSql } from '../../../src/dialects/postgres/parser.js';
import { previewOnline } from '../../../src/online/index.js';
import type { PreviewStatement } from '../../../src/online/preview.js';
import { inlineValues, postgresQuoting } from '../../../src/sql/tag.js';
import { CASES, SETUP } from './cases.js';
import { abortOnline, completeOnline, fingerprint, type Harness, harness, startOnline } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The statements a connection is sent, one per statement, values inlined. Reads are left out. */
function logging(conn: Connection, log: string[]): Connection {
  return {
    async query(text, values) {
      const shown = inlineValues(text.trim(), values ?? [], postgresQuoting);
      const parsed = parseSql(text);
      const parts =
        parsed.ok && !values?.length ? parsed.stmts.map((s) => text.slice(s.start, s.end).trim()) : [shown];
      for (const p of parts) if (!/^(SELECT|SHOW|EXPLAIN)\b/i.test(p)) log.push(p.replace(/;\s*$/, ''));
      return conn.query(text, values);
    },
    close: () => conn.close(),
  };
}

/**
 * What the backfill engine sends on its own (its checkpoint table and schema, its batches): not part
 * of the comparison (the start of the state table creates the same schema).
 */
const engine = (s: string) =>
  s.includes('"backfill_checkpoints"') || s === 'CREATE SCHEMA IF NOT EXISTS "sluice"';

const previewed = (p: PreviewStatement[], phase: PreviewStatement['phase']) =>
  p.filter((s) => s.phase === phase && !s.backfill && !engine(s.sql)).map((s) => s.sql);

const REPLACE = {
  name: 'replaceTable',
  ops: (op: Parameters<(typeof CASES)[number]['ops']>[0]) => [
    op.replaceTable('users', {
      columns: [
        { name: 'id', type: 'int', nullable: false },
        { name: 'full_name', type: 'text' },
        { name: 'email', type: 'text' },
      ],
      primaryKey: ['id'],
      copy: { full_name: "first_name || ' ' || last_name" },
      reverse: { first_name: "split_part(full_name, ' ', 1)", last_name: "split_part(full_name, ' ', 2)" },
      // The new table has no team_id or age: their index and constraints stay with the old table.
      omit: ['users_team_idx', 'users_team_id_fkey', 'users_age_check'],
    }),
  ],
};

describe.each([...CASES, REPLACE])('preview of $name', (c) => {
  const version = '20240101000000';
  const name = c.name.replace(/[^a-z]+/gi, '_');

  test('records what start, abort and complete then send, and changes nothing while an application writes', async () => {
    h = await harness();
    const x = h;
    for (const s of SETUP) await x.admin.query(s);
    await loadParser();
    const before = await fingerprint(x);

    // The application: a session inserting and updating teams while the preview runs.
    const app = await x.session('public');
    let writing = true;
    const written: number[] = [];
    const writer = (async () => {
      for (let i = 100; writing; i++) {
        await app.q('INSERT INTO teams (id, name) VALUES ($1, $2)', [i, `t${i}`]);
        await app.q('UPDATE teams SET name = name WHERE id = $1', [i]);
        written.push(i);
      }
    })();
    const preview = await previewOnline(x.ctx(version, name, c.ops), 15);
    writing = false;
    await writer;
    expect(written.length).toBeGreaterThan(0);
    const rows = await x.admin.query('SELECT id FROM teams WHERE id >= 100 ORDER BY id');
    expect(rows.rows.map((r) => r.id)).toEqual(written);
    await x.admin.query('DELETE FROM teams WHERE id >= 100');
    expect(await fingerprint(x)).toBe(before);
    expect((await x.admin.query("SELECT 1 FROM pg_namespace WHERE nspname = 'sluice'")).rowCount).toBe(0);

    // Locks come from the statement analyzer, with their tables.
    expect(preview.statements.some((s) => s.locks.length > 0)).toBe(true);
    for (const s of preview.statements) {
      if (s.kind === 'LOCK') expect(s.locks.map((l) => l.mode)).toEqual([/ IN (.+) MODE/.exec(s.sql)?.[1]]);
      if (/^CREATE (UNIQUE )?INDEX CONCURRENTLY/.test(s.sql))
        expect(s.locks.map((l) => l.mode)).toEqual(['SHARE UPDATE EXCLUSIVE']);
      if (s.backfill)
        expect(s.locks).toContainEqual({
          mode: 'ROW EXCLUSIVE',
          table: s.backfill.target ?? s.backfill.table,
        });
    }

    // A replaceTable's count of both tables after its copy (a snapshot of reads) is not previewed:
    // there is no copy to count.
    const real = (log: string[]) =>
      log
        .filter((s) => !engine(s))
        .filter(
          (s, i, all) =>
            s !== 'BEGIN ISOLATION LEVEL REPEATABLE READ' &&
            all[i - 1] !== 'BEGIN ISOLATION LEVEL REPEATABLE READ',
        );
    const startLog: string[] = [];
    const abortLog: string[] = [];
    const completeLog: string[] = [];
    const run = (log: string[]) => ({ ...x.ctx(version, name, c.ops), conn: logging(x.conn, log) });
    await startOnline(run(startLog));
    expect(real(startLog)).toEqual(previewed(preview.statements, 'start'));
    await abortOnline(run(abortLog));
    expect(real(abortLog)).toEqual(previewed(preview.statements, 'abort'));
    expect(await fingerprint(x)).toBe(before);
    await startOnline(x.ctx(version, name, c.ops));
    await completeOnline(run(completeLog));
    expect(real(completeLog)).toEqual(previewed(preview.statements, 'complete'));
  });
});
