/** Constraints and indexes of a table on both sides. */
import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../../src/schema/diff/index.js';
import { plainIndex } from '../../../src/schema/diff/indexes.js';
import type { Table } from '../../../src/schema/model.js';
import { column, constraint, index, model, pub, show, table } from './builders.js';

const t = (extra: Partial<Table>) =>
  table('t', { columns: [column('a', 'integer'), column('b', 'text')], ...extra });
const diffTables = (before: Partial<Table>, after: Partial<Table>) =>
  diffSchemas(model({ tables: [t(before)] }), model({ tables: [t(after)] }));

describe('constraints', () => {
  it('adds a unique key through its index, drops and re-adds a changed check, validates a NOT VALID one', () => {
    const check = constraint('t_a_check', 'check', ['a'], 'CHECK ((a > 0))');
    const fk = constraint('t_a_fkey', 'foreignKey', ['a'], 'FOREIGN KEY (a) REFERENCES o(id)', {
      validated: false,
      references: { table: pub('o'), columns: ['id'] },
    });
    const diff = diffTables(
      { constraints: [check, fk] },
      {
        constraints: [
          { ...check, definition: 'CHECK ((a >= 0))', comment: 'non-negative' },
          { ...fk, validated: true },
          constraint('t_b_key', 'unique', ['b'], 'UNIQUE (b)', { index: 't_b_key' }),
        ],
        indexes: [index('t_b_key', ['b'], { unique: true, constraint: 't_b_key' })],
      },
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "dropConstraints: drop constraint t_a_check on public.t",
        "createConstraints: add constraint t_a_check on public.t",
        "createConstraints: add constraint t_b_key on public.t",
        "createForeignKeys: ALTER TABLE "public"."t" VALIDATE CONSTRAINT "t_a_fkey"",
        "comments: COMMENT ON CONSTRAINT "t_a_check" ON "public"."t" IS 'non-negative' ⟲ COMMENT ON CONSTRAINT "t_a_check" ON "public"."t" IS NULL",
      ]
    `);
    expect(diff.changes.find((c) => c.object.member === 't_b_key')?.operation).toMatchInlineSnapshot(`
      {
        "definition": "UNIQUE (b)",
        "index": "USING btree (b)",
        "kind": "addConstraint",
        "name": "t_b_key",
        "table": {
          "name": "t",
          "schema": "public",
        },
        "type": "unique",
      }
    `);
  });
});

describe('indexes', () => {
  it('reads plain printed definitions as columns, method, include and where; keeps the rest exact', () => {
    expect(plainIndex('USING btree (a, "B c") INCLUDE (d) WHERE (a IS NULL)')).toEqual({
      method: 'btree',
      columns: ['a', 'B c'],
      include: ['d'],
      where: '(a IS NULL)',
    });
    expect(plainIndex('USING btree (lower(b))')).toBeNull();
    expect(plainIndex('USING btree (a DESC)')).toBeNull();
  });

  it('adds, drops and rebuilds a changed index; a comment alone is a comment', () => {
    const diff = diffTables(
      { indexes: [index('t_a_idx', ['a']), index('t_b_idx', ['b']), index('t_gone', ['b'])] },
      {
        indexes: [
          index('t_a_idx', ['a'], { definition: 'USING hash (a)' }),
          index('t_b_idx', ['b'], { comment: 'by b' }),
          index('t_expr', [], { expressions: true, definition: 'USING btree (lower(b))' }),
        ],
      },
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "dropIndexes: drop index t_gone on public.t",
        "dropIndexes: drop index t_a_idx on public.t",
        "createIndexes: add index t_a_idx on public.t",
        "createIndexes: add index t_expr on public.t",
        "comments: COMMENT ON INDEX "public"."t_b_idx" IS 'by b' ⟲ COMMENT ON INDEX "public"."t_b_idx" IS NULL",
      ]
    `);
    expect(diff.changes.find((c) => c.object.member === 't_expr')?.operation).toMatchObject({
      definition: 'USING btree (lower(b))',
    });
  });
});
