/**
 * Planning: runs each operation over an in-memory model of both versions (pgroll's "validate against
 * the schema before touching the database"). The result is pure data, stored by `start` and reused by
 * `complete` and `abort`.
 */
import { MigrationFileError, SluiceError } from '../errors.js';
import type { SchemaInfo, TableInfo } from './introspect.js';
import type { ColumnMapping, OnlineOperation, OnlinePlan, PlannedStep, TablePlan } from './types.js';

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

/** Short description of an operation for messages: `alterColumn users.age`. */
export function describeOp(op: OnlineOperation): string {
  switch (op.kind) {
    case 'renameTable':
      return `renameTable ${op.from} → ${op.to}`;
    case 'renameColumn':
      return `renameColumn ${op.table}.${op.from} → ${op.to}`;
    case 'alterColumn':
    case 'dropColumn':
      return `${op.kind} ${op.table}.${op.column}`;
    case 'addColumn':
      return `addColumn ${op.table}.${op.column.name}`;
    case 'createIndex':
    case 'addUnique':
      return `${op.kind} ${op.name} on ${op.table}`;
    default:
      return `${op.kind} ${op.table}`;
  }
}

/**
 * The model operations plan against: the new version as built so far, over the physical tables.
 *
 * @example
 * const b = new PlanBuilder('public', tables);
 * const t = b.table('users'); b.column(t, 'email').name = 'email_address';
 */
export class PlanBuilder {
  readonly tables: TablePlan[] = [];

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

  /** The table named `name` in the new version so far. */
  table(name: string): TablePlan {
    const t = this.tables.find((x) => x.newName === name);
    if (!t)
      throw new PlanError(
        `table "${name}" does not exist in schema "${this.schema}" (at this point of the migration)`,
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
}

/** What each operation kind does at planning time (the registry provides it). */
export type PlanFn = (op: OnlineOperation, b: PlanBuilder) => Record<string, unknown>;

/**
 * Plans a migration against the introspected schema; throws {@link MigrationFileError} naming the
 * first operation that does not fit.
 *
 * @example
 * const plan = buildPlan({ schema: 'public', info, ops, planOp, newSchema, oldSchema, file });
 */
export function buildPlan(args: {
  schema: string;
  info: SchemaInfo;
  ops: OnlineOperation[];
  planOp: PlanFn;
  newSchema: string;
  oldSchema: string;
  createdOldSchema: boolean;
  securityInvoker: boolean;
  file: string;
}): OnlinePlan {
  const b = new PlanBuilder(args.schema, args.info);
  const steps: PlannedStep[] = [];
  args.ops.forEach((op, i) => {
    try {
      steps.push({ op, resolved: args.planOp(op, b) });
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      throw new MigrationFileError(`Online operation ${i + 1} (${describeOp(op)}): ${error.message}.`, {
        details: {
          file: args.file,
          operation: i + 1,
          hint: error.hint ?? 'Fix the operation to match the database.',
        },
      });
    }
  });
  return {
    schema: args.schema,
    newSchema: args.newSchema,
    oldSchema: args.oldSchema,
    createdOldSchema: args.createdOldSchema,
    securityInvoker: args.securityInvoker,
    tables: b.tables,
    steps,
  };
}
