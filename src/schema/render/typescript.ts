/**
 * A diff as a sluice TypeScript migration: `defineMigration({ async up(db) { await db.addColumn(…) } })`,
 * the typed operations written the way the README shows them, a `// REVIEW:` comment above each
 * change flagged `needsReview`. A typed operation that has no builder form (an index kept as its
 * printed definition) is written as `db.sql` with the statement the compiler makes and its reverse.
 */
import { compileOperation } from '../../dialects/postgres/compiler.js';
import { formatName } from '../../operations/names.js';
import type { Operation, QualifiedName } from '../../operations/types.js';
import { postgresQuoting, renderInline } from '../../sql/tag.js';
import type { SchemaChange } from '../diff/change.js';
import { jsString, jsValue } from './literal.js';
import { labelsUsedAfterAdding } from './transaction.js';

/** A table reference as an author writes it: `'app.users'`, or the object form for a dotted name. */
export function jsName(name: QualifiedName): string {
  const dotted = name.name.includes('.') || (name.schema ?? '').includes('.');
  return dotted ? jsValue({ schema: name.schema, name: name.name }) : jsString(formatName(name));
}

const INTEGER_LIKE = /^(0|[1-9]\d*)$/;

const withoutUndefined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The arguments after `db.<kind>(` for a typed operation, or null when it has no builder form. */
function call(op: Operation): string | null {
  switch (op.kind) {
    case 'createTable': {
      const spec = (c: (typeof op.columns)[number]) => {
        const { name: _name, ...rest } = c;
        return Object.keys(rest).length === 1 ? jsString(rest.type) : jsValue(rest);
      };
      // Integer-like keys would be reordered by JavaScript: then the list form keeps the order.
      const columns = op.columns.some((c) => INTEGER_LIKE.test(c.name))
        ? jsValue(op.columns)
        : `{ ${op.columns.map((c) => `${/^[A-Za-z_$][\w$]*$/.test(c.name) ? c.name : jsString(c.name)}: ${spec(c)}`).join(', ')} }`;
      const options = withoutUndefined({ constraints: op.constraints, comment: op.comment });
      return `${jsName(op.table)}, ${columns}${Object.keys(options).length > 0 ? `, ${jsValue(options)}` : ''}`;
    }
    case 'dropTable':
    case 'dropView':
    case 'dropEnum': {
      const { kind: _k, note: _n, ...rest } = op;
      const target = 'table' in rest ? rest.table : 'view' in rest ? rest.view : rest.type;
      const options = Object.fromEntries(
        Object.entries(rest).filter(([k]) => !['table', 'view', 'type'].includes(k)),
      );
      return `${jsName(target)}${Object.keys(options).length > 0 ? `, ${jsValue(options)}` : ''}`;
    }
    case 'renameTable':
      return `${jsName(op.table)}, ${jsString(op.to)}`;
    case 'addColumn': {
      const { name, ...spec } = op.column;
      const body =
        Object.keys(spec).length === 1 && op.allowRewrite === undefined
          ? jsString(spec.type)
          : jsValue({ ...spec, allowRewrite: op.allowRewrite });
      return `${jsName(op.table)}, ${jsString(name)}, ${body}`;
    }
    case 'dropColumn':
      return `${jsName(op.table)}, ${jsString(op.column)}`;
    case 'renameColumn':
      return `${jsName(op.table)}, ${jsString(op.column)}, ${jsString(op.to)}`;
    case 'alterColumn': {
      const { kind: _k, table, column, note: _n, ...changes } = op;
      return `${jsName(table)}, ${jsString(column)}, ${jsValue(changes)}`;
    }
    case 'addIndex': {
      if (op.columns === undefined) return null;
      const { kind: _k, table, columns, note: _n, definition: _d, ...options } = op;
      return `${jsName(table)}, ${jsValue(columns)}, ${jsValue(options)}`;
    }
    case 'dropIndex':
    case 'dropConstraint':
      return `${jsName(op.table)}, ${jsString(op.name)}${op.ifExists ? ', { ifExists: true }' : ''}`;
    case 'addForeignKey': {
      const { kind: _k, table, columns, note: _n, ...options } = op;
      return `${jsName(table)}, ${jsValue(columns)}, ${jsValue(options)}`;
    }
    case 'addCheck':
      return `${jsName(op.table)}, ${jsString(op.name)}, ${jsString(op.expression)}${op.validate ? `, ${jsValue({ validate: op.validate })}` : ''}`;
    case 'addUnique': {
      const { kind: _k, table, columns, note: _n, ...options } = op;
      return `${jsName(table)}, ${jsValue(columns)}, ${jsValue(options)}`;
    }
    case 'addConstraint': {
      const { kind: _k, table, name, definition, note: _n, references, ...options } = op;
      const refs = references === undefined ? {} : { references: formatName(references) };
      return `${jsName(table)}, ${jsString(name)}, ${jsString(definition)}, ${jsValue({ ...options, ...refs })}`;
    }
    case 'createEnum':
      return `${jsName(op.type)}, ${jsValue(op.values)}`;
    case 'addEnumValue': {
      const { kind: _k, type, value, note: _n, ...options } = op;
      return `${jsName(type)}, ${jsString(value)}${Object.keys(options).length > 0 ? `, ${jsValue(options)}` : ''}`;
    }
    case 'createView': {
      const { kind: _k, view, query, note: _n, ...options } = op;
      return `${jsName(view)}, ${jsString(query)}${Object.keys(options).length > 0 ? `, ${jsValue(options)}` : ''}`;
    }
    case 'sql': {
      const text = renderInline(op.statement, postgresQuoting);
      const options = withoutUndefined({
        down: op.down === undefined ? undefined : renderInline(op.down, postgresQuoting),
        class: op.class,
        transactional: op.transactional,
      });
      return `${jsString(text)}${Object.keys(options).length > 0 ? `, ${jsValue(options)}` : ''}`;
    }
  }
}

/** `await db.<kind>(…);` for one operation (indented), `db.sql` when it has no builder form. */
function statementOf(op: Operation): string {
  const args = call(op);
  if (args !== null) return `await db.${op.kind}(${args});`;
  const server = { major: 15, minor: 0 };
  const up = compileOperation(op, { newTables: new Set(), server });
  const back = compileOperation(
    { kind: 'dropIndex', table: (op as { table: QualifiedName }).table, name: (op as { name: string }).name },
    { newTables: new Set(), server },
  );
  const text = up.map((s) => s.sql).join(';\n');
  const transactional = up.every((s) => s.transactional);
  return `await db.sql(${jsString(text)}, ${jsValue({ down: back.map((s) => s.sql).join(';\n'), class: 'additive', ...(transactional ? {} : { transactional: false }) })});`;
}

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((l) => (l.length > 0 ? by + l : l))
    .join('\n');

function body(changes: readonly SchemaChange[]): string {
  return changes
    .map((c) => {
      const review = c.hazards
        .filter((h) => h.kind === 'needsReview')
        .map((h) => `// REVIEW: ${h.reason.replace(/\n/g, ' ')}\n`);
      return indent(review.join('') + statementOf(c.operation), '    ');
    })
    .join('\n');
}

/** `transaction: false` when the migration uses an enum label it adds (see transaction.ts). */
function outside(changes: readonly SchemaChange[]): string[] {
  const labels = labelsUsedAfterAdding(changes.map((c) => c.operation));
  if (labels.length === 0) return [];
  return [
    `  // Outside a transaction: enum label(s) ${labels.join(', ')} are added, then used.`,
    '  transaction: false,',
  ];
}

/** Options of {@link renderTypeScriptMigration}. */
export interface RenderTypeScriptOptions {
  /** The changes of the way back; without them the down is left for sluice to derive. */
  down?: readonly SchemaChange[];
  /** Where `defineMigration` is imported from. Default `'sluice'`. */
  importFrom?: string;
}

/**
 * The text of a TypeScript migration file.
 *
 * @example
 * writeFileSync('migrations/20260101_add_email.ts', renderTypeScriptMigration(diffSchemas(live, desired).changes));
 */
export function renderTypeScriptMigration(
  changes: readonly SchemaChange[],
  options: RenderTypeScriptOptions = {},
): string {
  // An empty body is no line at all.
  const block = (changes: readonly SchemaChange[]) => (changes.length === 0 ? [] : [body(changes)]);
  const lines = [
    `import { defineMigration } from ${jsString(options.importFrom ?? 'sluice')};`,
    '',
    'export default defineMigration({',
    ...outside(changes),
    '  async up(db) {',
    ...block(changes),
    '  },',
  ];
  if (options.down !== undefined) lines.push('  async down(db) {', ...block(options.down), '  },');
  else lines.push('  // no down: sluice derives it from the operations above where it can');
  lines.push('});', '');
  return lines.join('\n');
}
