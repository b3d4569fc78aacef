/** Views: re-created when they change or what they read changes, in dependency order. */
import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../../src/schema/diff/index.js';
import { mentions } from '../../../src/schema/diff/views.js';
import { modelToSql } from '../../../src/schema/ddl/index.js';
import { column, model, show, table, trigger, view } from './builders.js';

const users = table('users', { columns: [column('id', 'integer'), column('age', 'integer')] });

describe('views', () => {
  it('finds names in printed queries, bare or quoted, not inside longer names', () => {
    expect(mentions('SELECT id FROM app.users', 'users')).toBe(true);
    expect(mentions('SELECT id FROM "Users"', 'Users')).toBe(true);
    expect(mentions('SELECT id FROM app.users_old', 'users')).toBe(false);
    expect(mentions('SELECT id FROM app.old_users', 'users')).toBe(false);
  });

  it('drops dependents first and creates them last when a view it reads changes', () => {
    const adults = view('adults', 'SELECT id FROM users WHERE age >= 18');
    const names = view('adult_ids', 'SELECT id FROM adults');
    const diff = diffSchemas(
      model({ tables: [users], views: [names, adults] }),
      model({
        tables: [users],
        views: [names, { ...adults, query: 'SELECT id FROM users WHERE age >= 21' }],
      }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "dropViews: drop view public.adult_ids",
        "dropViews: drop view public.adults",
        "createViews: create view public.adults",
        "createViews: create view public.adult_ids",
      ]
    `);
  });

  it("creates, changes and drops a view's INSTEAD OF triggers, and gives a re-created view its triggers again", () => {
    const insert = trigger('ids_insert', {
      fires: 'INSTEAD OF INSERT',
      action: 'FOR EACH ROW EXECUTE FUNCTION public.add_id()',
      timing: 'instead of',
    });
    const ids = view('ids', 'SELECT id FROM users');
    const kinds = (from: typeof ids, to: typeof ids) =>
      diffSchemas(
        model({ tables: [users], views: [from] }),
        model({ tables: [users], views: [to] }),
      ).changes.map((c) => `${c.phase} ${c.object.kind} ${c.object.member ?? ''}`.trim());
    expect(kinds(ids, { ...ids, triggers: [insert] })).toEqual(['createTriggers trigger ids_insert']);
    expect(kinds({ ...ids, triggers: [insert] }, ids)).toEqual(['dropTriggers trigger ids_insert']);
    expect(
      kinds(
        { ...ids, triggers: [insert] },
        { ...ids, query: 'SELECT id FROM users WHERE id > 0', triggers: [insert] },
      ),
    ).toEqual(['dropViews view', 'createViews view', 'createTriggers trigger ids_insert']);
    const dump = modelToSql(model({ tables: [users], views: [{ ...ids, triggers: [insert] }] }));
    expect(dump.find((f) => f.path.startsWith('12-triggers/'))?.sql).toContain(
      'CREATE TRIGGER "ids_insert" INSTEAD OF INSERT ON "public"."ids"',
    );
  });

  it('re-creates an unchanged view around a change of the columns of a table it reads', () => {
    const ids = view('ids', 'SELECT id FROM users');
    const after = table('users', { columns: [column('id', 'bigint'), column('age', 'integer')] });
    const diff = diffSchemas(
      model({ tables: [users], views: [ids] }),
      model({ tables: [after], views: [ids] }),
    );
    expect(diff.changes.map((c) => `${c.phase} ${c.operation.kind}`)).toEqual([
      'dropViews dropView',
      'alterTables alterColumn',
      'createViews createView',
    ]);
  });

  it('writes materialized views as SQL and comments as comments', () => {
    const totals = view('totals', 'SELECT count(*) AS n FROM users', { materialized: true });
    const ids = view('ids', 'SELECT id FROM users');
    const diff = diffSchemas(
      model({ tables: [users], views: [ids] }),
      model({ tables: [users], views: [{ ...ids, comment: 'ids' }, totals] }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "createViews: CREATE MATERIALIZED VIEW "public"."totals" AS SELECT count(*) AS n FROM users ⟲ DROP MATERIALIZED VIEW "public"."totals"",
        "comments: COMMENT ON VIEW "public"."ids" IS 'ids' ⟲ COMMENT ON VIEW "public"."ids" IS NULL",
      ]
    `);
  });
});
