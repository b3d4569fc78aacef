/**
 * A whole model as SQL files, for `sluice dump`: one file per kind and schema, named so that
 * applying them in path order (`01-schemas.sql`, `03-types/app.sql`, …) to an empty database builds
 * the model. Deterministic: the same model prints the same files.
 */

import { postgresQuoting, renderInline } from '../../sql/tag.js';
import { diffGrants } from '../diff/grants.js';
import { dependencyOrder } from '../diff/order.js';
import { mentions } from '../diff/views.js';
import {
  type Domain,
  emptySchemaModel,
  type Routine,
  type SchemaModel,
  type Table,
  type View,
} from '../model.js';
import { statisticsSql, storageSql } from './columns.js';
import { commentSql } from './comments.js';
import { addConstraintSql, createIndexSql } from './constraints.js';
import { keyOf, q, qn } from './quote.js';
import { createRoutineSql, routineSignature, routineWord } from './routines.js';
import { createExtensionSql, createSchemaSql } from './schemas.js';
import { createTableSql, inlineConstraints, tableSettingsSql } from './tables.js';
import {
  createPolicySql,
  createRuleSql,
  createStatisticsSql,
  createTriggerSql,
  triggerEnabledSql,
} from './triggers.js';
import {
  createCompositeSql,
  createDomainSql,
  createEnumSql,
  createSequenceSql,
  defaultIdentity,
  identityOptionsSql,
  sequenceOwnedBySql,
} from './types.js';
import { createViewSql } from './views.js';

/** One file of a dump. */
export interface SqlFile {
  /** Relative path: `06-tables/app.sql`. */
  path: string;
  sql: string;
}

const comment = (target: Parameters<typeof commentSql>[0], name: string, text: string | null) =>
  text === null ? [] : [commentSql(target, name, text)];

function tableSql(t: Table, parents: readonly Table[]): string[] {
  const out = [createTableSql(t, parents)];
  for (const c of t.columns) {
    if (c.storage !== null) out.push(storageSql(t, c));
    if (c.statistics !== null) out.push(statisticsSql(t, c));
  }
  const inline = inlineConstraints(t);
  for (const c of t.constraints)
    if (c.type !== 'foreignKey' && !inline.includes(c)) out.push(addConstraintSql(t, c));
  for (const i of t.indexes) if (i.constraint === null) out.push(createIndexSql(t, i));
  out.push(...tableSettingsSql(t));
  out.push(...comment('TABLE', qn(t), t.comment));
  for (const c of t.columns) out.push(...comment('COLUMN', `${qn(t)}.${q(c.name)}`, c.comment));
  for (const c of t.constraints)
    if (c.type !== 'foreignKey') out.push(...comment('CONSTRAINT', `${q(c.name)} ON ${qn(t)}`, c.comment));
  for (const i of t.indexes) out.push(...comment('INDEX', qn({ schema: t.schema, name: i.name }), i.comment));
  return out;
}

/** The triggers of a table or view, with their state and comments. */
function triggersSql(relation: Table | View): string[] {
  const out: string[] = [];
  for (const tr of relation.triggers) {
    out.push(createTriggerSql(relation, tr));
    const enabled = triggerEnabledSql(relation, tr);
    if (enabled !== null) out.push(enabled);
    out.push(...comment('TRIGGER', `${q(tr.name)} ON ${qn(relation)}`, tr.comment));
  }
  return out;
}

function hangingSql(t: Table): string[] {
  const out = triggersSql(t);
  for (const p of t.policies) {
    out.push(createPolicySql(t, p));
    out.push(...comment('POLICY', `${q(p.name)} ON ${qn(t)}`, p.comment));
  }
  for (const r of t.rules) out.push(createRuleSql(r));
  for (const s of t.statistics) out.push(createStatisticsSql(s));
  return out;
}

/** A schema name as a file name: what a path cannot hold (`/`, `\\`, NUL, `%`) is %-escaped. */
const fileName = (schema: string) =>
  schema.replace(/[/\\\0%]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

const bySchema = <T>(items: readonly T[], schemaOf: (i: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(schemaOf(i), [...(out.get(schemaOf(i)) ?? []), i]);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};

/**
 * The model as SQL files in the order they apply to an empty database.
 *
 * @example
 * for (const f of modelToSql(model)) writeFileSync(join(dir, f.path), f.sql);
 */
export function modelToSql(model: SchemaModel): SqlFile[] {
  const files: SqlFile[] = [];
  const add = (path: string, statements: string[], preamble = '') => {
    if (statements.length > 0)
      files.push({ path, sql: preamble + statements.map((s) => `${s};\n`).join('') });
  };
  const perSchema = <T>(
    dir: string,
    items: readonly T[],
    schemaOf: (i: T) => string,
    print: (i: T) => string[],
    preamble = '',
  ) => {
    for (const [schema, list] of bySchema(items, schemaOf))
      add(`${dir}/${fileName(schema)}.sql`, list.flatMap(print), preamble);
  };
  // IF NOT EXISTS: `public` is in every new database, and an extension may be there already.
  add(
    '01-schemas.sql',
    model.schemas.flatMap((s) => [
      createSchemaSql(s).replace('CREATE SCHEMA ', 'CREATE SCHEMA IF NOT EXISTS '),
      ...comment('SCHEMA', q(s.name), s.comment),
    ]),
  );
  add(
    '02-extensions.sql',
    model.extensions.flatMap((e) => [
      createExtensionSql(e).replace('CREATE EXTENSION ', 'CREATE EXTENSION IF NOT EXISTS '),
      ...comment('EXTENSION', q(e.name), e.comment),
    ]),
  );
  // A domain whose default or check calls a routine comes after the routines; a routine whose
  // body names a table or view (BEGIN ATOMIC is checked when created) after the views.
  const callsRoutine = (d: Domain) =>
    model.routines.some((r) =>
      [d.default ?? '', ...d.checks.map((c) => c.definition)].some((t) => mentions(t, r.name)),
    );
  const readsRelation = (r: Routine) =>
    [...model.tables, ...model.views].some((o) => mentions(r.definition, o.name));
  const routines = dependencyOrder(model.routines, (r) =>
    model.routines.filter((o) => o !== r && o.name !== r.name && mentions(r.definition, o.name)),
  );
  const routineSql = (r: Routine) => [
    createRoutineSql(r),
    ...comment(routineWord(r), routineSignature(r), r.comment),
  ];
  const types = [
    ...model.enums.map((e) => ({
      schema: e.schema,
      sql: [createEnumSql(e), ...comment('TYPE', qn(e), e.comment)],
    })),
    ...model.domains
      .filter((d) => !callsRoutine(d))
      .map((d) => ({
        schema: d.schema,
        sql: [createDomainSql(d), ...comment('DOMAIN', qn(d), d.comment)],
      })),
    ...model.composites.map((c) => ({
      schema: c.schema,
      sql: [createCompositeSql(c), ...comment('TYPE', qn(c), c.comment)],
    })),
  ];
  perSchema(
    '03-types',
    types,
    (t) => t.schema,
    (t) => t.sql,
  );
  const sequences = model.sequences.filter((s) => !s.identity);
  perSchema(
    '04-sequences',
    sequences,
    (s) => s.schema,
    (s) => [createSequenceSql(s), ...comment('SEQUENCE', qn(s), s.comment)],
  );
  perSchema(
    '05-routines',
    routines.filter((r) => !readsRelation(r)),
    (r) => r.schema,
    routineSql,
    // Bodies may name tables created later, as pg_dump knows.
    'SET check_function_bodies = false;\n',
  );
  perSchema(
    '06-domains',
    model.domains.filter(callsRoutine),
    (d) => d.schema,
    (d) => [createDomainSql(d), ...comment('DOMAIN', qn(d), d.comment)],
  );
  const parents = (t: Table) =>
    model.tables.filter(
      (p) =>
        t.inherits.some((i) => keyOf(i) === keyOf(p)) ||
        (t.partitionOf !== null && keyOf(t.partitionOf.table) === keyOf(p)),
    );
  perSchema(
    '07-tables',
    dependencyOrder(model.tables, parents),
    (t) => t.schema,
    (t) => tableSql(t, parents(t)),
  );
  perSchema(
    '08-ownership',
    model.sequences.filter((s) => s.ownedBy !== null && !(s.identity && defaultIdentity(s))),
    (s) => s.schema,
    (s) => [s.identity ? identityOptionsSql(s) : sequenceOwnedBySql(s)],
  );
  perSchema(
    '09-foreign-keys',
    model.tables,
    (t) => t.schema,
    (t) =>
      t.constraints
        .filter((c) => c.type === 'foreignKey')
        .flatMap((c) => [
          addConstraintSql(t, c),
          ...comment('CONSTRAINT', `${q(c.name)} ON ${qn(t)}`, c.comment),
        ]),
  );
  const views = dependencyOrder(model.views, (v) =>
    model.views.filter((o) => o !== v && mentions(v.query, o.name)),
  );
  // Views in dependency order across schemas: one file, so that order holds.
  add(
    '10-views.sql',
    views.flatMap((v) => [
      createViewSql(v),
      ...v.indexes.map((i) => createIndexSql(v, i)),
      ...comment(v.materialized ? 'MATERIALIZED VIEW' : 'VIEW', qn(v), v.comment),
      ...v.columns.flatMap((c) => comment('COLUMN', `${qn(v)}.${q(c.name)}`, c.comment)),
      ...v.indexes.flatMap((i) => comment('INDEX', qn({ schema: v.schema, name: i.name }), i.comment)),
    ]),
  );
  perSchema('11-routines', routines.filter(readsRelation), (r) => r.schema, routineSql);
  // Views' triggers (INSTEAD OF) after the tables' own, in each schema's file.
  perSchema(
    '12-triggers',
    [...model.tables, ...model.views],
    (r) => r.schema,
    (r) => ('constraints' in r ? hangingSql(r) : triggersSql(r)),
  );
  // What the objects above lack of the model's privileges: grants, and revokes of the defaults.
  add(
    '13-grants.sql',
    diffGrants(emptySchemaModel(), model).map((c) =>
      c.operation.kind === 'sql' ? renderInline(c.operation.statement, postgresQuoting) : '',
    ),
  );
  return files;
}
