/**
 * Properties of the differ over generated models (fixed seeds, so a failure repeats): a model diffs
 * empty against itself; every change's operation validates and compiles; changes come in dependency
 * order (what a change needs is created before it, what depends on a dropped object is dropped before).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateOperation } from '../../../src/operations/registry.js';
import { diffSchemas, type SchemaChange } from '../../../src/schema/diff/index.js';
import { phaseRank } from '../../../src/schema/diff/order.js';
import { mentions } from '../../../src/schema/diff/views.js';
import type { EnumType, SchemaModel, Table, View } from '../../../src/schema/model.js';
import { renderSqlMigration } from '../../../src/schema/render/sql.js';
import { renderTypeScriptMigration } from '../../../src/schema/render/typescript.js';
import { column, constraint, enumType, index, model, table, view } from './builders.js';

const SEED = 20261203;
const RUNS = 200;

const TYPES = ['integer', 'bigint', 'text', 'boolean', 'character varying(10)', 'e0', 'e1'];

const columnArb = (name: string) =>
  fc
    .record({
      type: fc.constantFrom(...TYPES),
      nullable: fc.boolean(),
      withDefault: fc.boolean(),
      comment: fc.option(fc.constantFrom('a note', "it's"), { nil: null }),
    })
    .map(({ type, nullable, withDefault, comment }) =>
      column(name, type, {
        nullable,
        comment,
        default: withDefault && type === 'integer' ? '0' : null,
      }),
    );

/** A table `tN` in `public` with 1-4 columns, maybe a primary key on `id`, an index and a check. */
const tableArb = (i: number) =>
  fc
    .record({
      present: fc.boolean(),
      columns: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }),
      types: fc.tuple(columnArb('a'), columnArb('b'), columnArb('c'), columnArb('d')),
      indexed: fc.boolean(),
      checked: fc.boolean(),
      fk: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
      comment: fc.option(fc.constant('table'), { nil: null }),
    })
    .map(({ present, columns, types, indexed, checked, fk, comment }) => {
      if (!present) return null;
      const name = `t${i}`;
      const cols = [
        column('id', 'integer', { nullable: false }),
        ...columns.map((c) => types.find((t) => t.name === c)!),
      ];
      const t = table(name, { columns: cols, comment });
      t.constraints.push(
        constraint(`${name}_pkey`, 'primaryKey', ['id'], 'PRIMARY KEY (id)', { index: `${name}_pkey` }),
      );
      t.indexes.push(
        index(`${name}_pkey`, ['id'], { unique: true, primary: true, constraint: `${name}_pkey` }),
      );
      const first = cols[1];
      if (indexed && first !== undefined) t.indexes.push(index(`${name}_${first.name}_idx`, [first.name]));
      if (checked) t.constraints.push(constraint(`${name}_id_check`, 'check', ['id'], 'CHECK ((id > 0))'));
      if (fk !== null)
        t.constraints.push(
          constraint(`${name}_id_fkey`, 'foreignKey', ['id'], `FOREIGN KEY (id) REFERENCES t${fk}(id)`, {
            references: { table: { schema: 'public', name: `t${fk}` }, columns: ['id'] },
          }),
        );
      return t;
    });

const enumArb = (i: number) =>
  fc
    .record({
      present: fc.boolean(),
      values: fc.subarray(['a', 'b', 'c', 'd'], { minLength: 1 }),
      shuffle: fc.boolean(),
    })
    .map(({ present, values, shuffle }): EnumType | null =>
      present ? enumType(`e${i}`, shuffle ? [...values].reverse() : values) : null,
    );

const modelArb: fc.Arbitrary<SchemaModel> = fc
  .record({
    tables: fc.tuple(tableArb(0), tableArb(1), tableArb(2), tableArb(3)),
    enums: fc.tuple(enumArb(0), enumArb(1)),
    views: fc.tuple(
      fc.option(fc.constantFrom(0, 1, 2, 3), { nil: null }),
      fc.option(fc.constantFrom(0, 1, 2, 3), { nil: null }),
      fc.boolean(),
    ),
  })
  .map(({ tables, enums, views }) => {
    const present = tables.filter((t): t is Table => t !== null);
    const has = (i: number) => present.some((t) => t.name === `t${i}`);
    const es = enums.filter((e): e is EnumType => e !== null);
    // Keep the model buildable: no foreign key to a missing table, no column of a missing enum.
    // (New objects: fast-check keeps generated values for shrinking, so they are never changed.)
    const kept = present.map((t) => {
      const columns = t.columns.filter((c) => !/^e\d$/.test(c.type) || es.some((e) => e.name === c.type));
      return {
        ...t,
        columns,
        constraints: t.constraints.filter(
          (c) => c.references === null || has(Number(c.references.table.name.slice(1))),
        ),
        indexes: t.indexes.filter((i) => i.columns.every((c) => columns.some((col) => col.name === c))),
      };
    });
    const vs: View[] = [];
    if (views[0] !== null && has(views[0])) vs.push(view('v0', `SELECT id FROM t${views[0]}`));
    if (views[1] !== null && has(views[1]))
      vs.push(view('v1', views[2] && vs.length > 0 ? 'SELECT id FROM v0' : `SELECT id FROM t${views[1]}`));
    return model({ tables: kept, enums: es, views: vs });
  });

/** The position of the first change matching `pred`, or -1. */
const where = (changes: readonly SchemaChange[], pred: (c: SchemaChange) => boolean) =>
  changes.findIndex(pred);

const creates = (c: SchemaChange, kind: string, name: string) =>
  c.object.kind === kind && c.object.name.name === name && c.phase.startsWith('create');

function checkOrder(changes: readonly SchemaChange[], to: SchemaModel, from: SchemaModel): void {
  for (let i = 1; i < changes.length; i++)
    expect(phaseRank(changes[i]!.phase)).toBeGreaterThanOrEqual(phaseRank(changes[i - 1]!.phase));
  changes.forEach((c, i) => {
    const op = c.operation;
    // A foreign key comes after the table it references is created.
    if (op.kind === 'addConstraint' && op.references !== undefined) {
      const target = where(changes, (d) => creates(d, 'table', op.references!.name));
      expect(target).toBeLessThan(i);
    }
    // A table comes after the enums its columns use.
    if (op.kind === 'createTable')
      for (const col of op.columns) {
        const e = where(changes, (d) => creates(d, 'enum', col.type));
        expect(e).toBeLessThan(i);
      }
    // A view comes after the tables and views it reads.
    if (op.kind === 'createView')
      for (const o of [...to.tables, ...to.views])
        if (mentions(op.query, o.name))
          expect(where(changes, (d) => creates(d, d.object.kind, o.name))).toBeLessThan(i);
    // A dropped table goes after the views that read it and the foreign keys pointing at it.
    if (op.kind === 'dropTable') {
      for (const v of from.views)
        if (mentions(v.query, op.table.name)) {
          const drop = where(
            changes,
            (d) => d.operation.kind === 'dropView' && d.object.name.name === v.name,
          );
          expect(drop).toBeLessThan(i);
        }
      for (const t of from.tables)
        for (const k of t.constraints)
          if (k.references?.table.name === op.table.name && t.name !== op.table.name) {
            const gone = where(
              changes,
              (d) =>
                (d.operation.kind === 'dropConstraint' && d.operation.name === k.name) ||
                (d.operation.kind === 'dropTable' && d.operation.table.name === t.name),
            );
            expect(gone).toBeLessThan(i);
          }
    }
  });
}

describe('diffSchemas properties', () => {
  it(`finds nothing between a model and itself (seed ${SEED})`, () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        expect(diffSchemas(m, structuredClone(m))).toEqual({ changes: [], renameCandidates: [] });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`gives operations that validate and render, in dependency order (seed ${SEED})`, () => {
    fc.assert(
      fc.property(modelArb, modelArb, (from, to) => {
        const { changes } = diffSchemas(from, to);
        for (const c of changes) validateOperation(c.operation);
        checkOrder(changes, to, from);
        expect(renderSqlMigration(changes)).toContain('-- migrate:up');
        expect(renderTypeScriptMigration(changes)).toContain('defineMigration');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
