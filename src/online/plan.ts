/**
 * Planning: runs each operation over an in-memory model of both versions (pgroll's "validate against
 * the schema before touching the database"). The result is pure data, stored by `start` and reused by
 * `complete` and `abort`.
 */
import { MigrationFileError, SluiceError } from '../errors.js';
import { formatName } from '../operations/names.js';
import type { QualifiedName } from '../operations/types.js';
import type { SchemaInfo, TableInfo } from './introspect.js';
import type { PlannedStep, PreparedOperation } from './registry.js';
import type { ColumnMapping, OnlinePlan, TablePlan } from './types.js';

/**
 * The shape of the plans this version stores. A plan stored with another format (by a sluice
 * whose operations had other words) is refused by `complete` and `abort` rather than misread.
 */
export const PLAN_FORMAT = 2;

/**
 * Thrown by an operation's `plan` when the database does not fit it; planning reports it as a
 * {@link MigrationFileError} naming the operation (the file must change, exit 2).
 */
export class PlanError extends SluiceError {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super('migration-file', message, hint === undefined ? {} : { details: { hint } });
  }
}

/**
 * The model operations plan against: the new version as built so far, over the physical tables.
 *
 * @example
 * const model = new PlanBuilder('public', tables);
 * const t = model.table({ name: 'users' }); model.column(t, 'email').name = 'email_address';
 */
export class PlanBuilder {
  readonly tables: TablePlan[] = [];
  /** Index and constraint names operations of this migration create. */
  private readonly claimed = new Set<string>();

  constructor(
    readonly schema: string,
    readonly info: SchemaInfo,
  ) {
    for (const t of info.values()) {
      const cols = t.columns.map((c) => ({ name: c.name, physical: c.name }));
      this.tables.push({
        physical: t.name,
        oldName: t.name,
        newName: t.name,
        oldColumns: cols,
        newColumns: cols.map((c) => ({ ...c })),
        primaryKey: [...t.primaryKey],
        up: [],
        down: [],
        tempColumns: [],
        touched: [],
      });
    }
  }

  /**
   * The table named `ref` in the new version so far. An online migration works in one schema: a
   * table named with another schema is refused.
   */
  table(ref: QualifiedName): TablePlan {
    if (ref.schema !== undefined && ref.schema !== this.schema) {
      throw new PlanError(
        `table "${formatName(ref)}" is not in schema "${this.schema}", the one this online migration changes`,
        'Name it without a schema, or run the migration with that schema.',
      );
    }
    const t = this.tables.find((x) => x.newName === ref.name);
    if (!t)
      throw new PlanError(
        `table "${ref.name}" does not exist in schema "${this.schema}" (at this point of the migration)`,
      );
    return t;
  }

  /** Catalog facts about a physical table. */
  tableInfo(t: TablePlan): TableInfo {
    const info = this.info.get(t.physical);
    if (!info)
      throw new PlanError(
        `table "${t.physical}" was created by this migration and cannot be changed again in it`,
      );
    return info;
  }

  /** The column named `name` in the new version of `t` so far. */
  column(t: TablePlan, name: string): ColumnMapping {
    const c = t.newColumns.find((x) => x.name === name);
    if (!c) throw new PlanError(`column "${name}" does not exist in table "${t.newName}"`);
    return c;
  }

  /** Fails if `name` is already a column of the new version of `t`. */
  free(t: TablePlan, name: string): void {
    if (t.newColumns.some((x) => x.name === name))
      throw new PlanError(`column "${name}" already exists in table "${t.newName}"`);
  }

  /** Claims a physical column for one operation: two operations on one column need two migrations. */
  touch(t: TablePlan, physical: string): void {
    if (t.touched.includes(physical)) {
      throw new PlanError(
        `column "${physical}" of "${t.physical}" is already changed by an earlier operation of this migration`,
        'Put each change of one column in its own online migration (complete the first before starting the next).',
      );
    }
    t.touched.push(physical);
  }

  /**
   * Claims the name of an index (or a unique constraint, which is an index): free in the schema and
   * not claimed by an earlier operation.
   */
  claimIndexName(name: string): void {
    const taken = [...this.info.values()].some(
      (t) => t.indexes.some((i) => i.name === name) || t.constraints.some((c) => c.name === name),
    );
    if (taken || this.claimed.has(name))
      throw new PlanError(`an index or constraint named "${name}" already exists`, 'Give it another name.');
    this.claimed.add(name);
  }

  /** Claims the name of a check or foreign key of `t`: free on the table and not claimed before. */
  claimConstraintName(t: TablePlan, name: string): void {
    const info = this.info.get(t.physical);
    const taken =
      info?.constraints.some((c) => c.name === name) || info?.indexes.some((i) => i.name === name);
    if (taken || this.claimed.has(name)) {
      throw new PlanError(
        `a constraint named "${name}" already exists on table "${t.physical}"`,
        'Give it another name: { name, … }.',
      );
    }
    this.claimed.add(name);
  }
}

/**
 * Plans an online migration against the introspected schema; throws {@link MigrationFileError}
 * naming the first operation that does not fit.
 *
 * @example
 * const operations = ops.map((op) => prepareOperation(op));
 * const plan = buildOnlinePlan({ schema: 'public', info, operations, newSchema, oldSchema, file, … });
 */
export function buildOnlinePlan(args: {
  schema: string;
  info: SchemaInfo;
  operations: readonly PreparedOperation[];
  newSchema: string;
  oldSchema: string;
  createdOldSchema: boolean;
  securityInvoker: boolean;
  file: string;
}): OnlinePlan {
  const model = new PlanBuilder(args.schema, args.info);
  const steps: PlannedStep[] = [];
  args.operations.forEach((operation, i) => {
    try {
      steps.push(operation.plan(model));
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      throw new MigrationFileError(
        `Online operation ${i + 1} (${operation.description}): ${error.message}.`,
        {
          details: {
            file: args.file,
            operation: i + 1,
            hint: error.hint ?? 'Fix the operation to match the database.',
          },
        },
      );
    }
  });
  return {
    format: PLAN_FORMAT,
    schema: args.schema,
    newSchema: args.newSchema,
    oldSchema: args.oldSchema,
    createdOldSchema: args.createdOldSchema,
    securityInvoker: args.securityInvoker,
    tables: model.tables,
    steps,
  };
}
