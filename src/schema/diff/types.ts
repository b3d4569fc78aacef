/**
 * Domains and free-standing composite types, as SQL. A domain's default, NOT NULL and checks are
 * altered in place; its base type cannot be, so that is flagged. A composite's attributes are added,
 * dropped and retyped with `ALTER TYPE`, flagged: every column of the type is rewritten.
 */
import { collate, keyOf, q, qn } from '../ddl/quote.js';
import { createCompositeSql, createDomainSql, dropDomainSql, dropTypeSql } from '../ddl/types.js';
import type { CompositeType, Domain, Routine, SchemaModel } from '../model.js';
import { byName, deletes, nameOf, review, type SchemaChange, same, sqlChange } from './change.js';
import { commentChange } from './comments.js';
import type { Phase } from './order.js';
import { mentions } from './views.js';

function alterDomain(from: Domain, to: Domain): SchemaChange[] {
  const object = { kind: 'domain' as const, name: nameOf(to) };
  const head = `ALTER DOMAIN ${qn(to)}`;
  const out: SchemaChange[] = [];
  const defaultSql = (d: Domain) =>
    d.default === null ? `${head} DROP DEFAULT` : `${head} SET DEFAULT ${d.default}`;
  const nullSql = (d: Domain) => `${head} ${d.nullable ? 'DROP' : 'SET'} NOT NULL`;
  if (from.type !== to.type || !same(from.collation, to.collation))
    out.push(
      sqlChange('alterTypes', object, `${dropDomainSql(to)};\n${createDomainSql(to)}`, {
        down: `${dropDomainSql(from)};\n${createDomainSql(from)}`,
        hazards: [
          review(
            "a domain's base type cannot change: it is dropped and created again, which fails while columns use it",
          ),
        ],
      }),
    );
  else {
    if (from.default !== to.default)
      out.push(sqlChange('alterTypes', object, defaultSql(to), { down: defaultSql(from) }));
    if (from.nullable !== to.nullable)
      out.push(sqlChange('alterTypes', object, nullSql(to), { down: nullSql(from) }));
    const checks = new Map(from.checks.map((c) => [c.name, c]));
    const add = (c: Domain['checks'][number]) =>
      `${head} ADD CONSTRAINT ${q(c.name)} ${c.definition}${c.validated ? '' : ' NOT VALID'}`;
    const drop = (c: Domain['checks'][number]) => `${head} DROP CONSTRAINT ${q(c.name)}`;
    for (const c of from.checks)
      if (
        !same(
          c,
          to.checks.find((n) => n.name === c.name),
        )
      )
        out.push(sqlChange('alterTypes', object, drop(c), { down: add(c) }));
    for (const c of to.checks)
      if (!same(c, checks.get(c.name))) out.push(sqlChange('alterTypes', object, add(c), { down: drop(c) }));
  }
  return out;
}

function alterComposite(from: CompositeType, to: CompositeType): SchemaChange[] {
  const object = { kind: 'composite' as const, name: nameOf(to) };
  const head = `ALTER TYPE ${qn(to)}`;
  const out: SchemaChange[] = [];
  const attr = (a: CompositeType['attributes'][number]) => `${q(a.name)} ${a.type}${collate(a.collation)}`;
  const rewrite = { kind: 'rewritesTable' as const, reason: 'columns of the type are rewritten' };
  for (const a of from.attributes) {
    const now = to.attributes.find((n) => n.name === a.name);
    if (now === undefined)
      out.push(
        sqlChange('alterTypes', object, `${head} DROP ATTRIBUTE ${q(a.name)}`, {
          hazards: [
            deletes(`attribute ${a.name} of ${keyOf(to)}`),
            review('dropping an attribute drops its values in every column of the type'),
            rewrite,
          ],
        }),
      );
    else if (!same(a, now))
      out.push(
        sqlChange(
          'alterTypes',
          object,
          `${head} ALTER ATTRIBUTE ${q(a.name)} TYPE ${now.type}${collate(now.collation)}`,
          {
            down: `${head} ALTER ATTRIBUTE ${q(a.name)} TYPE ${a.type}${collate(a.collation)}`,
            hazards: [review('an attribute type change fails while a column of the type has rows'), rewrite],
          },
        ),
      );
  }
  for (const a of to.attributes)
    if (!from.attributes.some((o) => o.name === a.name))
      out.push(
        sqlChange('alterTypes', object, `${head} ADD ATTRIBUTE ${attr(a)}`, {
          down: `${head} DROP ATTRIBUTE ${q(a.name)}`,
        }),
      );
  return out;
}

/**
 * Generic create / drop / alter of named types, shared by domains and composites.
 */
function diffNamed<T extends Domain | CompositeType>(
  from: readonly T[],
  to: readonly T[],
  kind: 'domain' | 'composite',
  sql: { create: (t: T) => string; drop: (t: T) => string; alter: (a: T, b: T) => SchemaChange[] },
  phase: { create: (t: T) => Phase; drop: (t: T) => Phase },
): SchemaChange[] {
  const out: SchemaChange[] = [];
  const old = byName(from);
  const now = byName(to);
  const word = kind === 'domain' ? 'DOMAIN' : 'TYPE';
  for (const t of from)
    if (!now.has(keyOf(t)))
      out.push(
        sqlChange(phase.drop(t), { kind, name: nameOf(t) }, sql.drop(t), {
          down: sql.create(t),
          class: 'destructive',
        }),
      );
  for (const t of to) {
    const object = { kind, name: nameOf(t) };
    const before = old.get(keyOf(t));
    if (before === undefined)
      out.push(sqlChange(phase.create(t), object, sql.create(t), { down: sql.drop(t), class: 'additive' }));
    else out.push(...sql.alter(before, t));
    out.push(...commentChange(word, qn(t), before?.comment ?? null, t.comment, object));
  }
  return out;
}

/** Every domain and composite type change between two models. */
export function diffTypes(from: SchemaModel, to: SchemaModel): SchemaChange[] {
  const onlyIn = (a: SchemaModel, b: SchemaModel) =>
    a.routines.filter((r) => !b.routines.some((o) => o.schema === r.schema && o.name === r.name));
  const fresh = onlyIn(to, from);
  const gone = onlyIn(from, to);
  const calls = (d: Domain, routines: readonly Routine[]) =>
    routines.some((r) =>
      [d.default ?? '', ...d.checks.map((c) => c.definition)].some((text) => mentions(text, r.name)),
    );
  const domains = diffNamed<Domain>(
    from.domains,
    to.domains,
    'domain',
    { create: createDomainSql, drop: dropDomainSql, alter: alterDomain },
    // A default or check that calls a new routine: created once the routines are; one that
    // calls a dropped routine: dropped before it.
    {
      create: (d) => (calls(d, fresh) ? 'createLateTypes' : 'createTypes'),
      drop: (d) => (calls(d, gone) ? 'dropCallingTypes' : 'dropTypes'),
    },
  );
  const composites = diffNamed<CompositeType>(
    from.composites,
    to.composites,
    'composite',
    { create: createCompositeSql, drop: dropTypeSql, alter: alterComposite },
    { create: () => 'createTypes', drop: () => 'dropTypes' },
  );
  // A composite may hold a domain: created after the domains, dropped before them (enums, which
  // both may use, are dropped in a later phase).
  const dropping = (c: SchemaChange) => c.phase.startsWith('drop');
  return [
    ...composites.filter(dropping),
    ...domains.filter(dropping),
    ...domains.filter((c) => !dropping(c)),
    ...composites.filter((c) => !dropping(c)),
  ];
}
