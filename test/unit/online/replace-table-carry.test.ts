/**
 * The pure half of replaceTable's carry: how the old table's catalog definition maps onto the new
 * columns (renames rewritten, identities moved) and what is refused, by name, before anything runs.
 */
import { describe, expect, test } from 'vitest';
import { carryDefinition } from '../../../src/online/operations/replace-table/carry.js';
import type { TableDefinition } from '../../../src/online/operations/replace-table/catalog.js';
import { carryStatements } from '../../../src/online/operations/replace-table/ddl.js';
import { PlanError } from '../../../src/online/plan.js';
import type { ReplaceColumn, ReplaceTableOperation } from '../../../src/online/types.js';
import { postgresQuoting, render } from '../../../src/sql/tag.js';
import { carriedColumn as col } from '../../helpers/schema-model.js';

function definition(): TableDefinition {
  return {
    owner: '"app_owner"',
    comment: null,
    reloptions: ['fillfactor=80'],
    rowSecurity: false,
    forceRowSecurity: false,
    replicaIdentity: 'd',
    replicaIndex: null,
    primaryKey: 'PRIMARY KEY (id)',
    columns: [
      col('id', 'bigint', { notNull: true, identity: 'a' }),
      col('email', 'text', { notNull: true, comment: 'login' }),
      col('org_id', 'integer'),
      col('legacy', 'text'),
    ],
    indexes: [
      {
        name: 'users_email_lower',
        def: "btree (lower(email)) WHERE (email <> ''::text)",
        comment: null,
        columns: ['email'],
        unique: true,
      },
    ],
    constraints: [
      {
        name: 'users_email_check',
        type: 'c',
        def: "CHECK ((email ~~ '%@%'::text))",
        comment: 'has an at',
        columns: ['email'],
      },
      {
        name: 'users_org_fk',
        type: 'f',
        def: 'FOREIGN KEY (org_id) REFERENCES orgs(email)',
        comment: null,
        columns: ['org_id'],
      },
    ],
    triggers: [],
    policies: [],
    identities: [
      {
        column: 'id',
        mode: 'a',
        schema: 'public',
        sequence: 'users_id_seq',
        increment: '1',
        min: '1',
        max: '9223372036854775807',
        start: '1',
        cache: '1',
        cycle: false,
        customMax: false,
      },
    ],
    blockers: [],
  };
}

const COLUMNS: ReplaceColumn[] = [
  { name: 'id', type: 'bigint' },
  { name: 'email_address', type: 'text' },
  { name: 'org_id', type: 'integer' },
];
const op = (extra: Partial<ReplaceTableOperation> = {}): ReplaceTableOperation => ({
  kind: 'replaceTable',
  table: { name: 'users' },
  columns: COLUMNS,
  primaryKey: ['id'],
  copy: { email_address: 'email' },
  omit: [],
  ...extra,
});

function refusal(o: ReplaceTableOperation, def = definition()): string {
  try {
    carryDefinition(o, def);
  } catch (e) {
    expect(e).toBeInstanceOf(PlanError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('carryDefinition', () => {
  test('a rename through copy rewrites the objects over the column; a foreign key keeps the referenced names', () => {
    const { columns, carry, mapping } = carryDefinition(op(), definition());
    expect(Object.fromEntries(mapping)).toEqual({ id: 'id', email: 'email_address', org_id: 'org_id' });
    expect(carry.indexes.map((i) => i.def)).toEqual([
      `btree (lower("email_address")) WHERE ("email_address" <> ''::text)`,
    ]);
    expect(carry.constraints.map((c) => `${c.name}: ${c.def}`)).toEqual([
      `users_email_check: CHECK (("email_address" ~~ '%@%'::text))`,
      'users_org_fk: FOREIGN KEY (org_id) REFERENCES orgs(email)',
    ]);
    expect(carry.renames).toEqual([
      {
        name: 'users_email_lower',
        temp: '_sluice_users_email_lower',
        oldTemp: '_sluice_old_users_email_lower',
      },
    ]);
    // NOT NULL and the comment come with the renamed column; the identity draws from the old sequence until the swap.
    expect(columns).toEqual([
      { name: 'id', type: 'bigint', notNull: true, default: `nextval('"public"."users_id_seq"'::regclass)` },
      { name: 'email_address', type: 'text', notNull: true, comment: 'login' },
      { name: 'org_id', type: 'integer', notNull: false },
    ]);
    expect(carry.identities).toEqual([
      {
        column: 'id',
        always: true,
        options: 'INCREMENT BY 1 MINVALUE 1 START WITH 1 CACHE 1 NO CYCLE',
        old: { schema: 'public', name: 'users_id_seq', temp: '_sluice_old_users_id_seq' },
        keyed: true,
      },
    ]);
  });

  test('the statements for the new table', () => {
    const { columns, carry } = carryDefinition(op(), definition());
    const text = carryStatements('public', '_sluice_users', carry, columns).map(
      (s) => `${s.what}: ${render(s.stmt, postgresQuoting).text}`,
    );
    expect(text).toEqual([
      `comment of column "email_address": COMMENT ON COLUMN "public"."_sluice_users"."email_address" IS 'login'`,
      `constraint "users_email_check": ALTER TABLE "public"."_sluice_users" ADD CONSTRAINT "users_email_check" CHECK (("email_address" ~~ '%@%'::text))`,
      `comment of constraint "users_email_check": COMMENT ON CONSTRAINT "users_email_check" ON "public"."_sluice_users" IS 'has an at'`,
      `constraint "users_org_fk": ALTER TABLE "public"."_sluice_users" ADD CONSTRAINT "users_org_fk" FOREIGN KEY (org_id) REFERENCES orgs(email)`,
      `index "users_email_lower": CREATE UNIQUE INDEX "_sluice_users_email_lower" ON "public"."_sluice_users" USING btree (lower("email_address")) WHERE ("email_address" <> ''::text)`,
      'storage parameters: ALTER TABLE "public"."_sluice_users" SET (fillfactor=80)',
    ]);
  });

  test('an object over a column the new table lacks is refused by name, unless omitted', () => {
    const cols = COLUMNS.filter((c) => c.name !== 'org_id');
    expect(refusal(op({ columns: cols }))).toBe(
      'constraint "users_org_fk" uses column "org_id", which no column of the new table comes from',
    );
    expect(
      carryDefinition(op({ columns: cols, omit: ['users_org_fk'] }), definition()).carry.constraints,
    ).toHaveLength(1);
    expect(refusal(op({ omit: ['users_typo'] }))).toBe(
      '`omit` names "users_typo", which is no index, constraint, trigger or policy of the table',
    );
  });

  test('a trigger over a renamed column, blockers, and a declared identity nothing can start are refused', () => {
    const def = definition();
    def.triggers = [
      {
        name: 'users_touch',
        def: 'CREATE TRIGGER users_touch BEFORE UPDATE OF email',
        tail: 'FOR EACH ROW EXECUTE FUNCTION f()',
        enabled: 'O',
        rowBefore: true,
        comment: null,
        columns: ['email'],
      },
    ];
    expect(refusal(op(), def)).toBe(
      'trigger "users_touch" uses column "email", which the new table renames to "email_address"',
    );
    def.triggers = [];
    def.blockers = ['rule "r" on the table', 'publication "p"'];
    expect(refusal(op(), def)).toContain('rule "r" on the table; publication "p"');
    const ids = COLUMNS.map((c) => (c.name === 'org_id' ? { ...c, identity: 'always' as const } : c));
    expect(refusal(op({ columns: ids }))).toBe(
      'column "org_id" can only become an identity column if it was one or leads the primary key',
    );
  });

  test('declared defaults win; null drops the old one', () => {
    const def = definition();
    def.columns[2] = col('org_id', 'integer', { default: '1' });
    const keep = carryDefinition(op(), def).columns[2];
    expect(keep).toMatchObject({ default: '1' });
    const cols = COLUMNS.map((c) => (c.name === 'org_id' ? { ...c, default: null } : c));
    expect(carryDefinition(op({ columns: cols }), def).columns[2]).not.toHaveProperty('default');
  });
});
