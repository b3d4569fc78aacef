/**
 * Dependency order of a diff's changes, as phases: renames first (so that every other change names
 * the renamed object by its new name); then what depends on an object is dropped before it
 * and created after it. Drops run first, in the reverse order of creation: triggers, policies and
 * views go before the columns and functions they read; foreign keys before the keys they point
 * at; tables before their types and sequences; schemas last. Creations run schemas and extensions
 * first, then types, sequences, functions, tables, keys, foreign keys, views, and what hangs off
 * tables (triggers, policies), then comments and grants. Within a phase the differ's own order
 * holds (views among themselves are ordered by what they read, see `views.ts`).
 */
import type { SchemaChange } from './change.js';

/** Every phase, in the order they run. */
export const PHASES = [
  // First: every later change names a renamed table or column by its new name.
  'renameTables',
  'revokeGrants',
  'dropTriggers',
  'dropViews',
  'dropReadingRoutines',
  'dropForeignKeys',
  'dropConstraints',
  'dropIndexes',
  'dropColumns',
  'dropTables',
  'dropSequences',
  'dropCallingTypes',
  'dropRoutines',
  'dropTypes',
  'dropEnums',
  'dropExtensions',
  'dropSchemas',
  'createSchemas',
  'createExtensions',
  'createTypes',
  'alterTypes',
  'createSequences',
  'createRoutines',
  'createLateTypes',
  'createTables',
  'alterTables',
  'ownSequences',
  'createConstraints',
  'createIndexes',
  'createForeignKeys',
  'createViews',
  'createViewIndexes',
  'createLateRoutines',
  'createTriggers',
  'comments',
  'grants',
] as const;

/** One phase of {@link PHASES}. */
export type Phase = (typeof PHASES)[number];

const RANK = new Map<Phase, number>(PHASES.map((p, i) => [p, i]));

/** The position of a phase in {@link PHASES}. */
export const phaseRank = (phase: Phase): number => RANK.get(phase) ?? 0;

/**
 * Changes sorted by phase; a stable sort, so the order within a phase is kept.
 *
 * @example
 * orderChanges([createForeignKey, createTable]) // [createTable, createForeignKey]
 */
export function orderChanges(changes: readonly SchemaChange[]): SchemaChange[] {
  return changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => phaseRank(a.c.phase) - phaseRank(b.c.phase) || a.i - b.i)
    .map(({ c }) => c);
}

/**
 * Items ordered so that each comes after those it depends on (depth first, ties by input order);
 * a cycle is broken where it closes.
 *
 * @example
 * dependencyOrder(['b', 'a'], (x) => (x === 'b' ? ['a'] : [])) // ['a', 'b']
 */
export function dependencyOrder<T>(items: readonly T[], dependsOn: (item: T) => readonly T[]): T[] {
  const out: T[] = [];
  const state = new Map<T, 'visiting' | 'done'>();
  const visit = (item: T) => {
    if (state.has(item)) return;
    state.set(item, 'visiting');
    for (const d of dependsOn(item)) if (items.includes(d)) visit(d);
    state.set(item, 'done');
    out.push(item);
  };
  for (const item of items) visit(item);
  return out;
}
