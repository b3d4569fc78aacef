/**
 * The live database's column types, in the linter's own terms. `up` and `plan` lint only the
 * pending migrations, so without this the linter would not know a column that an applied
 * migration (or a pre-sluice schema) declared, while `sluice lint` over the whole directory would:
 * seeding the model from the catalog makes them judge `ALTER COLUMN … TYPE` the same way.
 */
import type { LiveColumn } from '../dialects/dialect.js';
import { loadParser, parseBatch, parseSql } from '../dialects/postgres/parser.js';
import { columnDefs, relationName, typeInfo } from './ast.js';
import { SchemaModel } from './schema.js';

/** One column of a live table, as the catalog gives it (`format_type` for the type). */
export type { LiveColumn };

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A schema model holding the live tables' columns. The catalog's type text is read back through
 * PostgreSQL's parser, so `character varying(255)` becomes the same type a migration's
 * `varchar(255)` does. Tables in `public` are keyed unqualified, as migrations usually write them.
 *
 * @example
 * const schema = await schemaFromColumns([{ schema: 'public', table: 'users', column: 'age', type: 'integer' }]);
 * schema.columnType('users', 'age') // { name: 'int4', mods: [], array: false, … }
 */
export async function schemaFromColumns(columns: readonly LiveColumn[]): Promise<SchemaModel> {
  const model = new SchemaModel();
  if (columns.length === 0) return model;
  await loadParser();
  const byTable = new Map<string, LiveColumn[]>();
  for (const c of columns) {
    const key = `${quote(c.schema)}.${quote(c.table)}`;
    byTable.set(key, [...(byTable.get(key) ?? []), c]);
  }
  const texts = [...byTable].map(
    ([key, cols]) => `CREATE TABLE ${key} (${cols.map((c) => `${quote(c.column)} ${c.type}`).join(', ')})`,
  );
  const parsed = texts.length > 1 ? parseBatch(texts) : null;
  texts.forEach((text, i) => {
    const outcome = parsed?.[i] ?? parseSql(text);
    // A type the parser cannot read back stays unknown: the linter then says it does not know it.
    if (!outcome.ok) return;
    for (const { node } of outcome.stmts) {
      if (!('CreateStmt' in node)) continue;
      const table = relationName(node.CreateStmt.relation);
      for (const def of columnDefs(node.CreateStmt.tableElts))
        model.setColumn(table, def.colname ?? '', typeInfo(def.typeName));
    }
  });
  return model;
}
