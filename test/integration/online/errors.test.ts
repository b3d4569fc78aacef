/**
 * Failures before and during start: bad expressions and unknown columns fail with the operation's
 * name before any change; a changed migration cannot resume an interrupted start; complete and
 * abort refuse what they cannot do.
 */
import { afterEach, expect, test } from 'vitest';
import { MigrationFileError, RefusedError, SluiceError } from '../../../src/errors.js';
import { activeOnlineMigrations } from '../../../src/online/index.js';
import { setPhase } from '../../../src/online/state.js';
import { abortOnline, completeOnline, fingerprint, type Harness, harness, startOnline } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setup(): Promise<Harness> {
  h = await harness();
  await h.admin.query(`CREATE TABLE users (id serial PRIMARY KEY, email text, age int)`);
  await h.admin.query(`INSERT INTO users (email, age) VALUES ('a', 1), ('b', 2)`);
  return h;
}

test('a bad up or down expression fails before anything changes', async () => {
  const x = await setup();
  const before = await fingerprint(x);
  const bad = x.ctx('20240707000000', 'bad', (op) => [
    op.alterColumn('users', 'age', { type: 'bigint', up: 'agee::bigint' }),
  ]);
  const err = await startOnline(bad).catch((e) => e);
  expect(err).toBeInstanceOf(MigrationFileError);
  expect(err.message).toMatch(
    /alterColumn users.age \(up\): the expression `agee::bigint` fails: column "agee" does not exist/,
  );
  const down = x.ctx('20240707000000', 'bad', (op) => [
    op.alterColumn('users', 'age', { type: 'text', down: 'age + 1' }),
  ]);
  await expect(startOnline(down)).rejects.toThrow(
    /\(down\): the expression `age \+ 1` fails: operator does not exist: text \+ integer/,
  );
  expect(await fingerprint(x)).toBe(before);
  expect(await activeOnlineMigrations(x.conn)).toEqual([]);
});

test('an interrupted start does not resume with different operations', async () => {
  const x = await setup();
  const first = x.ctx('20240707000001', 'm', (op) => [op.addColumn('users', 'n', { type: 'int' })]);
  await startOnline(first);
  await setPhase(x.conn, '20240707000001', 'expanding'); // as if it had been killed before the end
  const changed = x.ctx('20240707000001', 'm', (op) => [op.addColumn('users', 'n', { type: 'bigint' })]);
  await expect(startOnline(changed)).rejects.toBeInstanceOf(RefusedError);
  await startOnline(first);
  expect((await activeOnlineMigrations(x.conn)).map((m) => m.phase)).toEqual(['active']);
});

test('one active migration at a time; complete needs an active one; completed cannot be aborted', async () => {
  const x = await setup();
  const a = x.ctx('20240707000002', 'a', (op) => [op.addColumn('users', 'n', { type: 'int' })]);
  const b = x.ctx('20240707000003', 'b', (op) => [op.addColumn('users', 'm', { type: 'int' })]);
  await expect(completeOnline(a)).rejects.toThrow(/has not been started/);
  await startOnline(a);
  await expect(startOnline(b)).rejects.toThrow(/only one online migration can be active/);
  await completeOnline(a);
  const err = await abortOnline(a).catch((e) => e);
  expect(err).toBeInstanceOf(SluiceError);
  expect(err.code).toBe('online-completed');
  await startOnline(b); // the previous version schema is now the old one
  const r = await x.admin.query(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sluice_2024%' ORDER BY 1`,
  );
  expect(r.rows.map((n) => n.nspname)).toEqual(['sluice_20240707000002_a', 'sluice_20240707000003_b']);
  await abortOnline(b);
  const after = await x.admin.query(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sluice_2024%' ORDER BY 1`,
  );
  expect(after.rows.map((n) => n.nspname)).toEqual(['sluice_20240707000002_a']);
  const s = await x.session('sluice_20240707000002_a');
  expect(await s.q('SELECT n FROM users ORDER BY id')).toEqual([{ n: null }, { n: null }]);
});

test('a migration started with a plan of another shape is refused by complete and abort, not misread', async () => {
  const x = await setup();
  const ctx = x.ctx('20240707000004', 'old', (op) => [op.renameColumn('users', 'email', 'mail')]);
  await startOnline(ctx);
  // What a plan stored before the online operations took the typed words looks like.
  await x.admin.query(
    `UPDATE sluice.online_migrations SET plan = plan - 'format' WHERE version = '20240707000004'`,
  );
  for (const phase of [completeOnline, abortOnline]) {
    const err = await phase(ctx).catch((e) => e);
    expect(err).toBeInstanceOf(RefusedError);
    expect({ code: err.code, message: err.message, hint: err.details.hint }).toEqual({
      code: 'online-plan-format',
      message:
        'Online migration 20240707000004_old was started by another version of sluice, whose plan this one cannot read.',
      hint: 'Complete or abort it with the sluice that started it, then run this one.',
    });
  }
  expect((await activeOnlineMigrations(x.conn)).map((m) => m.phase)).toEqual(['active']);
});
