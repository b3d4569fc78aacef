/**
 * The kinds schema as code adds to the model (schemas, extensions, domains, composite types,
 * routines, grants, views' columns and materialized views' indexes), read on the real server and on
 * PGlite; extension members left out; and the qualified read: two databases built from the same DDL
 * under different search paths read to deep-equal models.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config/url.js';
import type { Connection, Driver } from '../../src/dialects/dialect.js';
import { createDriver } from '../../src/dialects/index.js';
import { postgresDialect } from '../../src/dialects/postgres/dialect.js';
import { introspect } from '../../src/index.js';
import type { Routine } from '../../src/schema/model.js';
import { POSTGRES_TARGETS, type TestDatabase } from '../helpers/databases.js';
import { KINDS, KINDS_SETUP } from './introspect-kinds-fixture.js';

interface Built {
  conn: Connection;
  close(): Promise<void>;
}

/**
 * A database holding the fixture, built with `searchPath` set (default: the server's). On PGlite
 * the extension is created by a process that loads it; reading its catalog needs no loading.
 */
async function build(db: TestDatabase, searchPath?: string): Promise<Built> {
  const url = parseDatabaseUrl(db.url);
  if (url.kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { citext } = await import('@electric-sql/pglite/contrib/citext');
    const setup = new PGlite(url.dataDir ?? undefined, { extensions: { citext } });
    await setup.exec(KINDS_SETUP);
    await setup.close();
  }
  const driver: Driver = await createDriver(url);
  const conn = await driver.connect();
  if (url.kind !== 'pglite') await conn.query(KINDS_SETUP);
  if (searchPath !== undefined) await conn.query(`SET search_path = ${searchPath}`);
  await conn.query(KINDS);
  return { conn, close: () => driver.close() };
}

async function searchPath(conn: Connection): Promise<string | undefined> {
  return (await conn.query<{ p: string }>(`SELECT current_setting('search_path') AS p`)).rows[0]?.p;
}

const routine = (
  r: Partial<Routine> & Pick<Routine, 'name' | 'identityArguments' | 'definition'>,
): Routine => ({
  schema: 'kinds',
  kind: 'function',
  returns: 'integer',
  language: 'sql',
  comment: null,
  ...r,
});

describe.each(POSTGRES_TARGETS)('introspection of schema-as-code kinds on $label', ({ label, create }) => {
  const dbs: TestDatabase[] = [];
  let plain: Built;
  let onPath: Built;
  beforeAll(async () => {
    dbs.push(await create(), await create());
    plain = await build(dbs[0]!);
    onPath = await build(dbs[1]!, 'kinds, public');
  });
  afterAll(async () => {
    await plain?.close();
    await onPath?.close();
    for (const db of dbs) await db.drop();
  });

  it('reads schemas, extensions, domains and composite types, leaving out what an extension owns', async () => {
    const model = await postgresDialect.introspect(plain.conn, { qualified: true });
    expect(model.schemas).toEqual([
      { name: 'kinds', owner: expect.any(String), comment: 'every kind' },
      { name: 'public', owner: expect.any(String), comment: 'standard public schema' },
    ]);
    expect(model.extensions).toEqual([
      {
        name: 'citext',
        schema: 'kinds',
        version: expect.stringMatching(/^\d+\.\d+$/),
        comment: 'data type for case-insensitive character strings',
      },
    ]);
    expect(model.domains).toEqual([
      {
        schema: 'kinds',
        name: 'code',
        type: 'text',
        nullable: true,
        default: '(kinds.double(1))::text',
        collation: { schema: 'pg_catalog', name: 'C' },
        checks: [],
        comment: null,
      },
      {
        schema: 'kinds',
        name: 'positive',
        type: 'numeric(10,2)',
        nullable: false,
        default: '1',
        collation: null,
        checks: [
          { name: 'positive_check', definition: 'CHECK ((VALUE > (0)::numeric))', validated: true },
          { name: 'positive_small', definition: 'CHECK ((VALUE < (1000)::numeric))', validated: false },
        ],
        comment: 'above zero',
      },
    ]);
    expect(model.composites).toEqual([
      {
        schema: 'kinds',
        name: 'address',
        attributes: [
          { name: 'street', type: 'text', collation: null },
          { name: 'city', type: 'character varying(40)', collation: { schema: 'pg_catalog', name: 'C' } },
          { name: 'mood', type: 'kinds.mood', collation: null },
        ],
        comment: 'where',
      },
    ]);
    expect(model.enums.map((e) => e.name)).toEqual(['mood']);
    // The extension's own type and functions (citext, citext_eq, …) are in `kinds` but not listed.
    expect(model.tables.map((t) => t.name)).toEqual(['items']);
    expect(model.tables[0]?.columns.find((c) => c.name === 'email')?.type).toBe('kinds.citext');
    expect(model.routines.map((r) => r.name)).toEqual(['add_up', 'double', 'double', 'reset', 'total']);
    // Operator classes and NULLS NOT DISTINCT are in the printed definition.
    expect(model.tables[0]?.indexes.find((i) => i.name === 'items_first_tag')?.definition).toBe(
      'USING btree ((tags[1]) text_pattern_ops) NULLS NOT DISTINCT',
    );
    const byName = await postgresDialect.introspect(plain.conn, {
      only: {
        routines: [{ schema: 'kinds', name: 'citext' }],
        domains: [{ schema: 'kinds', name: 'citext' }],
      },
    });
    expect([byName.routines, byName.domains]).toEqual([[], []]);
  });

  it('reads functions, procedures and aggregates with the texts that recreate them', async () => {
    const { routines } = await postgresDialect.introspect(plain.conn, {
      schemas: ['kinds'],
      qualified: true,
    });
    expect(routines).toEqual([
      routine({
        name: 'add_up',
        identityArguments: 'acc integer, x integer',
        definition:
          'CREATE OR REPLACE FUNCTION kinds.add_up(acc integer, x integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE STRICT\nRETURN (acc + x)',
      }),
      routine({
        name: 'double',
        identityArguments: 'x integer',
        definition:
          'CREATE OR REPLACE FUNCTION kinds.double(x integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nRETURN (x * 2)',
        comment: 'twice',
      }),
      routine({
        name: 'double',
        identityArguments: 'x kinds.positive',
        returns: 'numeric',
        language: 'plpgsql',
        definition:
          'CREATE OR REPLACE FUNCTION kinds.double(x kinds.positive)\n RETURNS numeric\n LANGUAGE plpgsql\nAS $function$ BEGIN RETURN x * 2; END $function$',
      }),
      routine({
        name: 'reset',
        kind: 'procedure',
        identityArguments: 'IN m kinds.mood',
        returns: null,
        definition:
          "CREATE OR REPLACE PROCEDURE kinds.reset(IN m kinds.mood DEFAULT 'ok'::kinds.mood)\n LANGUAGE sql\nBEGIN ATOMIC\n UPDATE kinds.items SET mood = reset.m;\nEND",
      }),
      routine({
        name: 'total',
        kind: 'aggregate',
        identityArguments: 'integer',
        language: 'internal',
        definition:
          "CREATE OR REPLACE AGGREGATE kinds.total(integer) (\n    SFUNC = kinds.add_up,\n    STYPE = integer,\n    INITCOND = '0',\n    PARALLEL = SAFE\n)",
        comment: 'sum',
      }),
    ]);
  });

  it('reads named domains, composite types and routines (every overload), unqualified ones through the path', async () => {
    const only = {
      domains: [{ name: 'positive' }, { schema: 'kinds', name: 'address' }],
      composites: [{ name: 'address' }, { name: 'positive' }],
      routines: [{ name: 'double' }, { schema: 'public', name: 'total' }, { name: 'nowhere' }],
    };
    await onPath.conn.query('SET search_path = kinds, public');
    const model = await postgresDialect.introspect(onPath.conn, { only });
    expect(model.domains.map((d) => d.name)).toEqual(['positive']);
    expect(model.composites.map((c) => c.name)).toEqual(['address']);
    expect(model.routines.map((r) => [r.schema, r.name, r.identityArguments])).toEqual([
      ['kinds', 'double', 'x integer'],
      ['kinds', 'double', 'x positive'],
    ]);
    expect([model.tables, model.schemas, model.extensions]).toEqual([[], [], []]);
    // With a `double` in both schemas, the first on the path wins, with all its overloads.
    await onPath.conn.query('BEGIN');
    try {
      await onPath.conn.query(
        'CREATE FUNCTION public.double(x text) RETURNS text LANGUAGE sql RETURN x || x',
      );
      await onPath.conn.query('SET LOCAL search_path = public, kinds');
      const first = await postgresDialect.introspect(onPath.conn, { only });
      expect(first.routines.map((r) => [r.schema, r.name, r.identityArguments])).toEqual([
        ['public', 'double', 'x text'],
      ]);
    } finally {
      await onPath.conn.query('ROLLBACK');
    }
  });

  it('recreates an aggregate from its text', async () => {
    const { routines } = await postgresDialect.introspect(plain.conn, {
      only: { routines: [{ schema: 'kinds', name: 'total' }] },
    });
    const text = routines[0]?.definition ?? '';
    await plain.conn.query('BEGIN');
    try {
      await plain.conn.query('DROP AGGREGATE kinds.total(integer)');
      await plain.conn.query(text);
      const again = await postgresDialect.introspect(plain.conn, {
        only: { routines: [{ schema: 'kinds', name: 'total' }] },
      });
      expect(again.routines).toEqual([{ ...routines[0], comment: null }]);
    } finally {
      await plain.conn.query('ROLLBACK');
    }
  });

  it("reads views' columns and materialized views' indexes", async () => {
    const { views } = await postgresDialect.introspect(plain.conn, { schemas: ['kinds'], qualified: true });
    expect(
      views.map((v) => [v.name, v.columns, v.indexes.map((i) => [i.name, i.unique, i.definition])]),
    ).toEqual([
      [
        'cheap',
        [
          { name: 'id', type: 'integer', comment: null },
          { name: 'mood', type: 'kinds.mood', comment: 'feeling' },
        ],
        [],
      ],
      [
        'moods',
        [
          { name: 'mood', type: 'kinds.mood', comment: null },
          { name: 'n', type: 'bigint', comment: null },
        ],
        [['moods_mood', true, 'USING btree (mood)']],
      ],
    ]);
  });

  it('reads grants only when asked, defaults included, the owner left out', async () => {
    expect((await postgresDialect.introspect(plain.conn, { schemas: ['kinds'] })).grants).toEqual([]);
    const { grants } = await postgresDialect.introspect(plain.conn, {
      schemas: ['kinds'],
      grants: true,
      qualified: true,
    });
    const on = (kind: string, name: string, extra: object = {}) => ({
      on: { kind, name: { schema: 'kinds', name }, ...extra },
      grantee: 'public',
      grantable: false,
    });
    // double(integer) had EXECUTE and mood had USAGE revoked from PUBLIC: no row for them.
    expect(grants).toEqual([
      { ...on('routine', 'add_up', { arguments: 'acc integer, x integer' }), privilege: 'EXECUTE' },
      { ...on('routine', 'double', { arguments: 'x kinds.positive' }), privilege: 'EXECUTE' },
      { ...on('routine', 'reset', { arguments: 'IN m kinds.mood' }), privilege: 'EXECUTE' },
      { ...on('routine', 'total', { arguments: 'integer' }), privilege: 'EXECUTE' },
      { ...on('schema', 'kinds'), privilege: 'USAGE' },
      { ...on('table', 'items'), privilege: 'SELECT' },
      { ...on('table', 'items'), privilege: 'UPDATE', column: 'mood' },
      { ...on('type', 'address'), privilege: 'USAGE' },
      { ...on('type', 'code'), privilege: 'USAGE' },
      { ...on('type', 'positive'), privilege: 'USAGE' },
    ]);
  });

  it('reads two databases built from the same DDL under different search paths to equal models', async () => {
    await onPath.conn.query('SET search_path = kinds, public');
    const options = { grants: true, qualified: true } as const;
    const a = await postgresDialect.introspect(plain.conn, options);
    const b = await postgresDialect.introspect(onPath.conn, options);
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // The session's path is back as it was.
    expect(await searchPath(onPath.conn)).toBe('kinds, public');
    // Without `qualified`, texts follow the session's path: `mood` rather than `kinds.mood`.
    const unqualified = await postgresDialect.introspect(onPath.conn, { grants: true });
    expect(unqualified).not.toEqual(a);
    expect(unqualified.tables[0]?.columns.find((c) => c.name === 'mood')).toMatchObject({
      type: 'mood',
      default: "'ok'::mood",
    });
  });

  it("reads through the library's introspect: qualified by default, from a connection or a driver", async () => {
    const expected = await postgresDialect.introspect(plain.conn, { qualified: true });
    await onPath.conn.query('SET search_path = kinds, public');
    expect(await introspect(onPath.conn)).toEqual(expected);
    expect((await introspect(onPath.conn, { qualified: false })).tables[0]?.columns[2]?.type).toBe('mood');
    // A second PGlite instance on an open data directory is not safe: URL and driver on the server only.
    if (label !== 'postgres') return;
    const kinds = await postgresDialect.introspect(plain.conn, { schemas: ['kinds'], qualified: true });
    expect(await introspect(dbs[0]!.url, { schemas: ['kinds'] })).toEqual(kinds);
    const driver = await createDriver(parseDatabaseUrl(dbs[0]!.url));
    try {
      expect(await introspect(driver, { schemas: ['kinds'] })).toEqual(kinds);
    } finally {
      await driver.close();
    }
  });

  it('leaves the path as it was after a read inside a transaction', async () => {
    await onPath.conn.query('SET search_path = kinds, public');
    await onPath.conn.query('BEGIN');
    try {
      await postgresDialect.introspect(onPath.conn, { qualified: true });
      expect(await searchPath(onPath.conn)).toBe('kinds, public');
    } finally {
      await onPath.conn.query('ROLLBACK');
    }
    expect(await searchPath(onPath.conn)).toBe('kinds, public');
  });
});

describe('a qualified read that fails, on the real server', () => {
  // Printing a view's definition waits for a lock another session holds: the read fails mid-way.
  it('reports the read error and leaves the path as it was, in and out of a transaction', async () => {
    const db = await POSTGRES_TARGETS[0]!.create();
    const built = await build(db);
    const holder = new pg.Client({ connectionString: db.url });
    try {
      await holder.connect();
      await holder.query('BEGIN; LOCK TABLE kinds.items IN ACCESS EXCLUSIVE MODE');
      await built.conn.query(`SET search_path = kinds, public; SET lock_timeout = '300ms'`);
      const read = () => postgresDialect.introspect(built.conn, { qualified: true });
      await expect(read()).rejects.toMatchObject({ code: '55P03' });
      expect(await searchPath(built.conn)).toBe('kinds, public');
      await built.conn.query('BEGIN');
      // The failure aborts the transaction (the restore cannot run): its rollback undoes the pin.
      await expect(read()).rejects.toMatchObject({ code: '55P03' });
      await built.conn.query('ROLLBACK');
      expect(await searchPath(built.conn)).toBe('kinds, public');
    } finally {
      await holder.end();
      await built.close();
      await db.drop();
    }
  });
});
