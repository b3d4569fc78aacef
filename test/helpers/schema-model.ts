/**
 * Builders of schema-model objects with every field at its "nothing special" value, for tests that
 * state only what matters to them.
 */
import type { OldColumn } from '../../src/online/operations/replace-table/catalog.js';
import type { Column, Constraint, Index, Table, Trigger } from '../../src/schema/model.js';

/** A nullable column of `type` with nothing else. */
export function column(name: string, type: string, extra: Partial<Column> = {}): Column {
  return {
    name,
    type,
    nullable: true,
    default: null,
    generated: null,
    identity: null,
    collation: null,
    storage: null,
    statistics: null,
    comment: null,
    dependsOn: [],
    ...extra,
  };
}

/** A validated, immediate constraint over `columns`. */
export function constraint(
  name: string,
  type: Constraint['type'],
  columns: string[],
  definition: string,
  extra: Partial<Constraint> = {},
): Constraint {
  return {
    name,
    type,
    columns,
    definition,
    validated: true,
    deferrable: false,
    initiallyDeferred: false,
    references: null,
    index: null,
    comment: null,
    dependsOn: columns,
    ...extra,
  };
}

/** A valid btree index over plain `columns`. */
export function index(name: string, columns: string[], extra: Partial<Index> = {}): Index {
  return {
    name,
    unique: false,
    primary: false,
    method: 'btree',
    columns,
    expressions: false,
    partial: false,
    predicate: null,
    definition: `USING btree (${columns.join(', ')})`,
    constraint: null,
    replicaIdentity: false,
    valid: true,
    comment: null,
    dependsOn: columns,
    ...extra,
  };
}

/** An ordinary table in `public` owned by `postgres`, with nothing but what `extra` gives it. */
export function table(name: string, extra: Partial<Table> = {}): Table {
  return {
    schema: 'public',
    name,
    partitioned: false,
    partitionKey: null,
    partitionOf: null,
    inherits: [],
    ofType: null,
    tablespace: null,
    owner: 'postgres',
    options: [],
    rowSecurity: false,
    forceRowSecurity: false,
    replicaIdentity: 'default',
    comment: null,
    columns: [],
    constraints: [],
    indexes: [],
    triggers: [],
    policies: [],
    rules: [],
    statistics: [],
    ...extra,
  };
}

/** An enabled row trigger `BEFORE INSERT` calling `public.touch()`. */
export function trigger(name: string, extra: Partial<Trigger> = {}): Trigger {
  return {
    name,
    constraint: false,
    fires: 'BEFORE INSERT',
    action: 'FOR EACH ROW EXECUTE FUNCTION touch()',
    timing: 'before',
    level: 'row',
    events: ['insert'],
    enabled: 'origin',
    function: { schema: 'public', name: 'touch' },
    columns: [],
    comment: null,
    dependsOn: [],
    ...extra,
  };
}

/** A column as replaceTable's catalog gives it, nothing special unless `extra` says so. */
export function carriedColumn(name: string, type: string, extra: Partial<OldColumn> = {}): OldColumn {
  return {
    name,
    type,
    notNull: false,
    default: null,
    identity: '',
    generated: null,
    collation: null,
    storage: null,
    statistics: null,
    comment: null,
    uses: [],
    ...extra,
  };
}
