/**
 * A diff as a dbmate-format SQL migration (`-- migrate:up` / `-- migrate:down`), compiled by the
 * PostgreSQL compiler: the same statements `sluice up` would send for the typed operations, with
 * their safe forms (`CONCURRENTLY`, `NOT VALID` then `VALIDATE`) on tables that already exist.
 */
import type { ServerVersion } from '../../dialects/dialect.js';
import { advanceContext, type CompileContext, compileOperation } from '../../dialects/postgres/compiler.js';
import { definitionOf } from '../../operations/registry.js';
import type { Operation } from '../../operations/types.js';
import type { SchemaChange } from '../diff/change.js';
import { labelsUsedAfterAdding } from './transaction.js';

/** Options of {@link renderSqlMigration}. */
export interface RenderSqlOptions {
  /** The changes of the way back (`diffSchemas(to, from, { renames: invertRenames(…) })`). */
  down?: readonly SchemaChange[];
  /** The target server, for what depends on its version. Default PostgreSQL 15. */
  server?: ServerVersion;
}

/** One direction compiled: its text and whether every statement may run in a transaction. */
interface Section {
  text: string;
  transactional: boolean;
}

const reviewLines = (c: SchemaChange) =>
  c.hazards
    .filter((h) => h.kind === 'needsReview')
    .map((h) => `-- REVIEW: ${h.reason.replace(/\n/g, ' ')}\n`);

const terminate = (sql: string) => (/;\s*$/.test(sql) ? sql.trimEnd() : `${sql.trimEnd()};`);

/**
 * Compiles changes in order (tables created earlier count as new, as in one migration).
 *
 * @example
 * compileChanges(diff.changes).text // 'CREATE TABLE "public"."notes" (…);\n'
 */
export function compileChanges(
  changes: readonly { operation: Operation; hazards?: SchemaChange['hazards'] }[],
  server: ServerVersion = { major: 15, minor: 0 },
): Section {
  let ctx: CompileContext = { newTables: new Set(), server };
  let text = '';
  let transactional = true;
  for (const c of changes) {
    if (c.hazards !== undefined) text += reviewLines(c as SchemaChange).join('');
    for (const s of compileOperation(c.operation, ctx)) {
      text += `${terminate(s.sql)}\n`;
      if (!s.transactional) transactional = false;
    }
    ctx = advanceContext(ctx, c.operation);
  }
  return { text, transactional };
}

/** The reverse of each change, last first, where it needs no captured definition; notes for the rest. */
function derivedDown(changes: readonly SchemaChange[]): {
  operations: { operation: Operation }[];
  notes: string[];
} {
  const operations: { operation: Operation }[] = [];
  const notes: string[] = [];
  for (const c of [...changes].reverse()) {
    const def = definitionOf(c.operation);
    const back = def.isReversible(c.operation) ? def.reverse(c.operation, undefined) : null;
    const why = def.isReversible(c.operation) ? 'needs its old definition' : 'cannot be undone';
    if (back === null) notes.push(`-- REVIEW: not undone here: ${def.describe(c.operation)} ${why}\n`);
    else for (const operation of back) operations.push({ operation });
  }
  return { operations, notes };
}

/** Marks a section to run outside a transaction when it uses an enum label it adds (see transaction.ts). */
function outsideForLabels(section: Section, changes: readonly SchemaChange[]): void {
  const labels = labelsUsedAfterAdding(changes.map((c) => c.operation));
  if (labels.length === 0) return;
  section.transactional = false;
  section.text = `-- outside a transaction: enum label(s) ${labels.join(', ')} are added, then used\n${section.text}`;
}

/**
 * The text of a dbmate-format migration: `-- REVIEW:` above each change flagged `needsReview`,
 * `transaction:false` on a section holding a statement that cannot run in a transaction. Without
 * `options.down`, the down section holds the reverse of each change where it is known without a
 * captured definition, and a `-- REVIEW:` line for each that is not.
 *
 * @example
 * const up = diffSchemas(live, desired);
 * const down = diffSchemas(desired, live);
 * writeFileSync('migrations/20260101_x.sql', renderSqlMigration(up.changes, { down: down.changes }));
 */
export function renderSqlMigration(changes: readonly SchemaChange[], options: RenderSqlOptions = {}): string {
  const up = compileChanges(changes, options.server);
  let down: Section;
  if (options.down !== undefined) down = compileChanges(options.down, options.server);
  else {
    const derived = derivedDown(changes);
    const compiled = compileChanges(derived.operations, options.server);
    down = { text: derived.notes.join('') + compiled.text, transactional: compiled.transactional };
  }
  outsideForLabels(up, changes);
  if (options.down !== undefined) outsideForLabels(down, options.down);
  const marker = (name: string, s: Section) =>
    `-- migrate:${name}${s.transactional ? '' : ' transaction:false'}\n`;
  return `${marker('up', up)}${up.text}\n${marker('down', down)}${down.text}`;
}
