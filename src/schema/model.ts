/**
 * One model of a live schema, as plain data: what a dialect's introspector reads and what every
 * consumer (captured definitions for automatic downs, the online engine's planner, `replaceTable`,
 * and later diff / verify / dump) works from. It imports no driver and names no catalog: PostgreSQL
 * fills it today, MySQL and SQLite fill the parts they have (an empty list, a null, a `false`).
 *
 * Conventions:
 * - names are the server's own (unquoted); every object carries its schema-qualified {@link ObjectName};
 * - words follow the operation vocabulary (`nullable`, `'by default'`, `'primaryKey'`), so a diff maps
 *   onto typed operations without translating;
 * - expressions and definitions are the server's own printed text (`pg_get_expr`, `pg_get_indexdef`…),
 *   cut so that they name neither the object nor its table (a rename does not change them); other
 *   objects in them are named as the server prints them for the reading session's search path
 *   (`mood` rather than `app.mood` when `app` is on it), or always schema-qualified with
 *   {@link IntrospectOptions.qualified} (what a comparison of two databases wants);
 * - lists are sorted by names compared bytewise (the `name` type's "C" collation, the same on every
 *   server): tables, views, types, routines by schema then name (routines then by arguments);
 *   columns by position; constraints, indexes, triggers, policies, rules by name;
 * - no oids, nothing that depends on the server instance, except the fields marked "not compared"
 *   (owners, tablespaces): a scratch database and production differ there by nature, so a diff
 *   ignores them.
 *
 * Not read (yet): collations, casts, operators, text search objects, foreign tables and servers,
 * event triggers, publications, default privileges.
 */

/** A schema-qualified name, the schema always resolved. */
export interface ObjectName {
  schema: string;
  name: string;
}

/** Everything an introspection read. */
export interface SchemaModel {
  /** User schemas (`public` included when read), by name. */
  schemas: Schema[];
  /**
   * Installed extensions whose schema is read, by name; their own objects (`pg_depend` deptype `e`)
   * are listed nowhere else. `plpgsql` (in `pg_catalog`) is not listed.
   */
  extensions: Extension[];
  tables: Table[];
  views: View[];
  sequences: Sequence[];
  enums: EnumType[];
  domains: Domain[];
  /** Free-standing composite types (`CREATE TYPE t AS (…)`), not tables' row types. */
  composites: CompositeType[];
  /** Functions and procedures (aggregates and window functions too), by schema, name, arguments. */
  routines: Routine[];
  /** Privileges granted on the objects above; read only when asked for (`IntrospectOptions.grants`). */
  grants: Grant[];
}

/** A schema (namespace). */
export interface Schema {
  name: string;
  /** Not compared: the role that owns it differs between a scratch database and production. */
  owner: string;
  comment: string | null;
}

/** An installed extension. */
export interface Extension {
  name: string;
  /** The schema its objects live in. */
  schema: string;
  version: string;
  comment: string | null;
}

/** A domain: a base type with a default, NOT NULL and checks. */
export interface Domain extends ObjectName {
  /** The base type as printed (`text`, `numeric(10,2)`). */
  type: string;
  nullable: boolean;
  default: string | null;
  collation: ObjectName | null;
  /**
   * Check constraints by name, as printed without a trailing `NOT VALID` (`CHECK ((VALUE > 0))`);
   * `validated` is false for one added `NOT VALID` and not validated since.
   */
  checks: { name: string; definition: string; validated: boolean }[];
  comment: string | null;
}

/** A composite type's attribute. */
export interface CompositeAttribute {
  name: string;
  type: string;
  collation: ObjectName | null;
}

/** A free-standing composite type. */
export interface CompositeType extends ObjectName {
  attributes: CompositeAttribute[];
  comment: string | null;
}

/** A function, procedure or aggregate. Overloads are told apart by {@link identityArguments}. */
export interface Routine extends ObjectName {
  kind: 'function' | 'procedure' | 'aggregate' | 'window';
  /** The arguments that identify it, as printed (`a integer, b text`): what `DROP FUNCTION` needs. */
  identityArguments: string;
  /** The result type as printed; null for a procedure. */
  returns: string | null;
  language: string;
  /**
   * The whole `CREATE OR REPLACE FUNCTION|PROCEDURE …` as printed by the server
   * (`pg_get_functiondef`), without a trailing newline or semicolon; for an aggregate, a
   * `CREATE OR REPLACE AGGREGATE …` built from `pg_aggregate` (every option the catalog records).
   * The name in it is always schema-qualified.
   */
  definition: string;
  comment: string | null;
}

/**
 * One privilege granted on one object (`GRANT SELECT ON app.users TO reader`). An object's default
 * privileges count as granted (`EXECUTE` on a routine and `USAGE` on a type to `public`, unless
 * revoked), and what its owner holds on it is left out (the owner differs between databases).
 * Sorted by kind, schema, name, arguments, column, grantee, privilege.
 */
export interface Grant {
  on: {
    /** `view` covers materialized views; `type` covers enums, domains and composite types. */
    kind: 'schema' | 'table' | 'view' | 'sequence' | 'routine' | 'type';
    /** For a schema, `schema` and `name` are both its name. */
    name: ObjectName;
    /** A routine's {@link Routine.identityArguments}. */
    arguments?: string;
  };
  /** A role name, or `public`. */
  grantee: string;
  /** `SELECT`, `INSERT`, `USAGE`, `EXECUTE`, … */
  privilege: string;
  grantable: boolean;
  /** The column, for a column privilege. */
  column?: string;
}

/** An ordinary or partitioned table (a partition is a table too). */
export interface Table extends ObjectName {
  /** A partitioned table (its rows live in partitions). */
  partitioned: boolean;
  /**
   * The partition key of a partitioned table as printed (`RANGE (created_at)`, `LIST (lower(region))`);
   * null for any other table, and empty (`''`) when read with `printed: false`.
   */
  partitionKey: string | null;
  /** The parent and the bound (`FOR VALUES FROM (1) TO (10)`), for a partition. */
  partitionOf: { table: ObjectName; bound: string } | null;
  /** Parents by plain inheritance (`INHERITS`), in order; a partition's parent is not listed here. */
  inherits: ObjectName[];
  /** The composite type of a typed table (`CREATE TABLE t OF type`). */
  ofType: string | null;
  /** Tablespace, when not the database's default. Not compared (a server-instance fact). */
  tablespace: string | null;
  /** Not compared: the role that owns it differs between a scratch database and production. */
  owner: string;
  /** Storage parameters as `name=value` (`fillfactor=70`). */
  options: string[];
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  /** Which old values logical replication sends; `index` names the index in {@link Index.replicaIdentity}. */
  replicaIdentity: 'default' | 'nothing' | 'full' | 'index';
  comment: string | null;
  columns: Column[];
  constraints: Constraint[];
  /** Every index, those backing a constraint included ({@link Index.constraint}). */
  indexes: Index[];
  triggers: Trigger[];
  policies: Policy[];
  /** Rewrite rules (`CREATE RULE`), the internal `_RETURN` rule of views excluded. */
  rules: Rule[];
  /** Extended statistics objects (`CREATE STATISTICS`) on the table. */
  statistics: Statistics[];
  /**
   * Objects outside the table that depend on it, read only when asked for
   * (`IntrospectOptions.dependents`). A whole-database read finds the same facts on the dependents.
   */
  dependents?: Dependent[];
}

/** A column of a table. */
export interface Column {
  name: string;
  /** The type as the server prints it, modifiers and array included: `character varying(20)`, `integer[]`. */
  type: string;
  nullable: boolean;
  /** Default expression; null for none, and for a generated column (see {@link generated}). */
  default: string | null;
  /** Expression of a stored generated column. */
  generated: string | null;
  identity: 'always' | 'by default' | null;
  /** Collation, when not the type's default. */
  collation: ObjectName | null;
  /** Storage, when not the type's default. */
  storage: 'plain' | 'external' | 'main' | 'extended' | null;
  /** Statistics target, when set. */
  statistics: number | null;
  comment: string | null;
  /** Columns of the table the default or generated expression reads. */
  dependsOn: string[];
}

/** A table constraint (NOT NULL is a column fact: {@link Column.nullable}). */
export interface Constraint {
  name: string;
  type: 'primaryKey' | 'unique' | 'check' | 'foreignKey' | 'exclusion';
  /** Constrained columns, in order (`conkey`). */
  columns: string[];
  /** As printed, without a trailing `NOT VALID` (see {@link validated}): `CHECK ((price > 0))`. */
  definition: string;
  /** False for a constraint added `NOT VALID` and not validated since. */
  validated: boolean;
  deferrable: boolean;
  initiallyDeferred: boolean;
  /** The referenced table and columns of a foreign key. */
  references: { table: ObjectName; columns: string[] } | null;
  /** The index backing a primary key, unique or exclusion constraint (in {@link Table.indexes}). */
  index: string | null;
  comment: string | null;
  /** Columns of the table dropped together with the constraint (their drop drops it). */
  dependsOn: string[];
}

/** An index. */
export interface Index {
  name: string;
  unique: boolean;
  primary: boolean;
  /** Access method: `btree`, `gin`, … */
  method: string;
  /** Key and INCLUDE columns that are plain columns, in order (expressions are not listed). */
  columns: string[];
  /** Some key is an expression. */
  expressions: boolean;
  /** A partial index (`WHERE …`). */
  partial: boolean;
  /** The `WHERE` predicate of a partial index. */
  predicate: string | null;
  /** As printed after `ON <table> `: `USING btree (lower(email)) WHERE (deleted_at IS NULL)`. */
  definition: string;
  /** The constraint (primary key, unique, exclusion) the index backs. */
  constraint: string | null;
  /** The table's replica identity index. */
  replicaIdentity: boolean;
  /** False while a concurrent build has not finished (or failed). */
  valid: boolean;
  comment: string | null;
  /** Columns of the table the index reads (keys, INCLUDE, expressions, predicate). */
  dependsOn: string[];
}

/** A trigger (internal triggers, e.g. of foreign keys, are not listed). */
export interface Trigger {
  name: string;
  /** `CREATE CONSTRAINT TRIGGER`. */
  constraint: boolean;
  /** As printed between the name and `ON <table>`: `BEFORE INSERT OR UPDATE OF qty`. */
  fires: string;
  /** As printed after the table: `FOR EACH ROW WHEN (…) EXECUTE FUNCTION touch()`. */
  action: string;
  timing: 'before' | 'after' | 'instead of';
  level: 'row' | 'statement';
  events: ('insert' | 'update' | 'delete' | 'truncate')[];
  /** `origin` (the default), `disabled`, `replica` or `always`. */
  enabled: 'origin' | 'disabled' | 'replica' | 'always';
  function: ObjectName;
  /** Columns of `UPDATE OF`. */
  columns: string[];
  comment: string | null;
  /** Columns of the table the trigger reads (`UPDATE OF`, `WHEN`). */
  dependsOn: string[];
}

/** A row-level security policy. */
export interface Policy {
  name: string;
  permissive: boolean;
  command: 'all' | 'select' | 'insert' | 'update' | 'delete';
  /** Role names, sorted; `public` for every role. */
  roles: string[];
  using: string | null;
  check: string | null;
  comment: string | null;
  /** Columns of the table the expressions read. */
  dependsOn: string[];
}

/** A rewrite rule on a table. */
export interface Rule {
  name: string;
  /** The whole `CREATE RULE` as printed. */
  definition: string;
}

/** An extended statistics object. */
export interface Statistics extends ObjectName {
  /** The whole `CREATE STATISTICS` as printed. */
  definition: string;
}

/** Something outside a table that depends on it. */
export type Dependent =
  | { kind: 'view'; view: ObjectName }
  | { kind: 'foreignKey'; table: ObjectName; name: string }
  | { kind: 'child'; table: ObjectName }
  | { kind: 'publication'; name: string };

/** A column of a view, as its query makes it. */
export interface ViewColumn {
  name: string;
  /** The type as printed (`bigint`, `character varying(255)`). */
  type: string;
  comment: string | null;
}

/** A view or materialized view. */
export interface View extends ObjectName {
  materialized: boolean;
  /** The query as printed, without a trailing semicolon. */
  query: string;
  /** Options (`security_barrier`, `check_option`, …) by name. */
  options: Record<string, string>;
  comment: string | null;
  /** Its columns by position (names and types follow from the query; comments do not). */
  columns: ViewColumn[];
  /** A materialized view's indexes, by name (always empty for a plain view). */
  indexes: Index[];
  /** A view's `INSTEAD OF` (and statement-level) triggers, by name. */
  triggers: Trigger[];
}

/** A sequence, those behind serial and identity columns included. */
export interface Sequence extends ObjectName {
  /** `smallint`, `integer` or `bigint`. */
  type: string;
  /** Numbers as text: they may exceed JavaScript's safe integers. */
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** The column the sequence belongs to (`OWNED BY`, serial or identity). */
  ownedBy: { table: ObjectName; column: string } | null;
  /** The sequence of an identity column (created and dropped with it). */
  identity: boolean;
  comment: string | null;
}

/** An enum type. */
export interface EnumType extends ObjectName {
  /** Labels in their sort order. */
  values: string[];
  comment: string | null;
}

/** What to read. Without `only`, whole schemas. */
export interface IntrospectOptions {
  /** Schemas to read whole; default every user schema (not `pg_*` nor `information_schema`). */
  schemas?: readonly string[];
  /**
   * Read only these objects, by name (a name without a schema is found through the search path);
   * missing ones are left out. Kinds not listed are not read. A table brings the sequences it owns.
   */
  only?: {
    tables?: readonly { schema?: string; name: string }[];
    views?: readonly { schema?: string; name: string }[];
    enums?: readonly { schema?: string; name: string }[];
    domains?: readonly { schema?: string; name: string }[];
    composites?: readonly { schema?: string; name: string }[];
    /** Every overload of each name; without a schema, of the first schema on the path that has one. */
    routines?: readonly { schema?: string; name: string }[];
  };
  /** Also read what depends on each table from outside it ({@link Table.dependents}). */
  dependents?: boolean;
  /** Also read privileges ({@link SchemaModel.grants}). Default false. */
  grants?: boolean;
  /**
   * Print every user object in expressions, types and definitions schema-qualified (`app.mood`,
   * `'ok'::app.mood`, `nextval('public.t_id_seq'::regclass)`), whatever the session's search path:
   * the read pins it to empty for its duration (as `pg_dump` does) and restores it after. Two
   * databases built from the same DDL then read to deep-equal models. Names in `only` are still
   * found through the session's own path. Default false: printed as for the session's path.
   */
  qualified?: boolean;
  /**
   * `false`: leave out what only the server's printers give beyond columns and constraints. Printing
   * an object takes a share lock on its table, so such a read does not queue behind another
   * session's lock on a table it merely lists: index definitions and predicates are then empty
   * (`''`, null), partition bounds `''`, and triggers, policies, rules, statistics, views and routines
   * are not read. Column defaults and constraint definitions are printed regardless. The online planner
   * reads this way: its checks need nothing more. Default true.
   */
  printed?: boolean;
}

/** A model with nothing in it, to build on: `{ ...emptySchemaModel(), tables: [users] }`. */
export function emptySchemaModel(): SchemaModel {
  return {
    schemas: [],
    extensions: [],
    tables: [],
    views: [],
    sequences: [],
    enums: [],
    domains: [],
    composites: [],
    routines: [],
    grants: [],
  };
}
