/**
 * What a preview's recorded DDL would have changed in the catalog. A preview runs the real phases
 * without executing their statements, so the probes that guard each idempotent step (does the
 * temporary column exist yet? is that constraint valid?) must see the effect of the statements
 * recorded before them: `complete` after a previewed `start` finds the temporary column the start
 * would have added. Facts not touched by a recorded statement are asked of the live catalog.
 */
import type { Node, RangeVar } from 'libpg-query';
import { names } from '../lint/ast.js';

type Key = string;

function key(schema: string, name: string): Key {
  return `${schema}\u0000${name}`;
}

/**
 * @example
 * const c = new PreviewCatalog('public'); c.apply(parsed.node);
 * c.column('public', 'users', '_sluice_age') // true after a recorded ADD COLUMN, undefined if unknown
 */
export class PreviewCatalog {
  private tables = new Map<Key, boolean>();
  /** A table renamed in the preview, by its new name: the live name its columns are found under. */
  private origins = new Map<Key, string>();
  private columns = new Map<Key, boolean>();
  private constraints = new Map<Key, { valid: boolean } | null>();
  private indexes = new Map<Key, { valid: boolean } | null>();

  constructor(private readonly defaultSchema: string) {}

  /** A copy to run an alternative on (complete and abort both start from the previewed start). */
  fork(): PreviewCatalog {
    const c = new PreviewCatalog(this.defaultSchema);
    c.tables = new Map(this.tables);
    c.origins = new Map(this.origins);
    c.columns = new Map(this.columns);
    c.constraints = new Map(this.constraints);
    c.indexes = new Map(this.indexes);
    return c;
  }

  /** True/false when a recorded statement decided it; undefined: ask the live catalog. */
  table(schema: string, name: string): boolean | undefined {
    return this.tables.get(key(schema, name));
  }

  /** The name to ask the live catalog about for a table the preview may have renamed. */
  liveName(schema: string, name: string): string {
    return this.origins.get(key(schema, name)) ?? name;
  }

  column(schema: string, table: string, column: string): boolean | undefined {
    const t = this.tables.get(key(schema, table));
    if (t === false) return false; // dropped (or renamed away) by the preview
    const known = this.columns.get(key(schema, `${table}\u0000${column}`));
    if (known !== undefined) return known;
    // A table the preview created has only the columns it recorded.
    if (t === true && !this.origins.has(key(schema, table))) return false;
    return undefined;
  }

  constraint(schema: string, name: string): { valid: boolean } | null | undefined {
    return this.constraints.get(key(schema, name));
  }

  index(schema: string, name: string): { valid: boolean } | null | undefined {
    return this.indexes.get(key(schema, name));
  }

  /** Applies the catalog effect of one recorded statement (others are ignored). */
  apply(node: Node): void {
    if ('CreateStmt' in node) {
      const rel = this.rel(node.CreateStmt.relation);
      this.setTable(rel, true);
      for (const e of node.CreateStmt.tableElts ?? []) {
        if ('ColumnDef' in e)
          this.columns.set(key(rel.schema, `${rel.name}\u0000${e.ColumnDef.colname}`), true);
        if ('Constraint' in e && e.Constraint.conname)
          this.constraints.set(key(rel.schema, e.Constraint.conname), { valid: true });
      }
    } else if ('DropStmt' in node) {
      const kind = node.DropStmt.removeType;
      for (const o of node.DropStmt.objects ?? []) {
        if (!('List' in o)) continue;
        const parts = names(o.List.items);
        const name = parts[parts.length - 1] ?? '';
        const schema = parts.length > 1 ? parts[0]! : this.defaultSchema;
        if (kind === 'OBJECT_TABLE') this.setTable({ schema, name }, false);
        else if (kind === 'OBJECT_INDEX') this.indexes.set(key(schema, name), null);
      }
    } else if ('ViewStmt' in node) {
      this.setTable(this.rel(node.ViewStmt.view), true);
    } else if ('IndexStmt' in node) {
      const rel = this.rel(node.IndexStmt.relation);
      if (node.IndexStmt.idxname) this.indexes.set(key(rel.schema, node.IndexStmt.idxname), { valid: true });
    } else if ('AlterTableStmt' in node) {
      this.alterTable(node.AlterTableStmt.relation, node.AlterTableStmt.cmds ?? []);
    } else if ('RenameStmt' in node) {
      const r = node.RenameStmt;
      const rel = this.rel(r.relation);
      const to = r.newname ?? '';
      if (r.renameType === 'OBJECT_TABLE') {
        this.origins.set(key(rel.schema, to), this.liveName(rel.schema, rel.name));
        for (const [k, v] of [...this.columns]) {
          const prefix = key(rel.schema, `${rel.name}\u0000`);
          if (k.startsWith(prefix))
            this.columns.set(key(rel.schema, `${to}\u0000${k.slice(prefix.length)}`), v);
        }
        this.tables.set(key(rel.schema, rel.name), false);
        this.tables.set(key(rel.schema, to), true);
      } else if (r.renameType === 'OBJECT_COLUMN' && r.subname) {
        this.columns.set(key(rel.schema, `${rel.name}\u0000${r.subname}`), false);
        this.columns.set(key(rel.schema, `${rel.name}\u0000${to}`), true);
      } else if (r.renameType === 'OBJECT_INDEX') {
        const was = this.indexes.get(key(rel.schema, rel.name));
        this.indexes.set(key(rel.schema, rel.name), null);
        this.indexes.set(key(rel.schema, to), was ?? { valid: true });
      }
    }
  }

  private alterTable(relation: RangeVar | undefined, cmds: Node[]): void {
    const rel = this.rel(relation);
    for (const c of cmds) {
      if (!('AlterTableCmd' in c)) continue;
      const cmd = c.AlterTableCmd;
      const column = (col: string, exists: boolean) =>
        this.columns.set(key(rel.schema, `${rel.name}\u0000${col}`), exists);
      switch (cmd.subtype) {
        case 'AT_AddColumn': {
          const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
          if (def?.colname) column(def.colname, true);
          break;
        }
        case 'AT_DropColumn':
          if (cmd.name) column(cmd.name, false);
          break;
        case 'AT_AddConstraint': {
          const con = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
          if (con?.conname)
            this.constraints.set(key(rel.schema, con.conname), { valid: !con.skip_validation });
          break;
        }
        case 'AT_ValidateConstraint':
          if (cmd.name) this.constraints.set(key(rel.schema, cmd.name), { valid: true });
          break;
        case 'AT_DropConstraint':
          if (cmd.name) this.constraints.set(key(rel.schema, cmd.name), null);
          break;
      }
    }
  }

  private setTable(rel: { schema: string; name: string }, exists: boolean): void {
    this.tables.set(key(rel.schema, rel.name), exists);
    if (!exists) this.origins.delete(key(rel.schema, rel.name));
  }

  private rel(rv: RangeVar | undefined): { schema: string; name: string } {
    return { schema: rv?.schemaname || this.defaultSchema, name: rv?.relname ?? '' };
  }
}
