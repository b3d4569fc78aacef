/**
 * Constraints of a table: added as typed `addConstraint` with the server's printed definition (so
 * lint, plan and the automatic down work), dropped as `dropConstraint`; a changed one is dropped
 * and added again. Foreign keys go in their own phases, after every key they may point at.
 */
import type { AddConstraintOperation } from '../../operations/add-constraint.js';
import { q, qn } from '../ddl/quote.js';
import type { Constraint, ObjectName, Table } from '../model.js';
import { byMember, change, nameOf, type SchemaChange, same, sqlChange } from './change.js';
import { commentChange } from './comments.js';

const isForeignKey = (c: Constraint) => c.type === 'foreignKey';

/** The typed operation that adds constraint `c` to `table` as the model describes it. */
export function addConstraintOperation(
  table: ObjectName,
  c: Constraint,
  owner: Table,
): AddConstraintOperation {
  const op: AddConstraintOperation = {
    kind: 'addConstraint',
    table: nameOf(table),
    name: c.name,
    type: c.type,
    definition: c.definition,
  };
  if (c.references !== null) op.references = nameOf(c.references.table);
  const index = c.index === null ? undefined : owner.indexes.find((i) => i.name === c.index);
  // Through a concurrently built index only when the printed index is there and the key is plain.
  if (
    (c.type === 'unique' || c.type === 'primaryKey') &&
    index !== undefined &&
    index.definition !== '' &&
    !c.deferrable
  )
    op.index = index.definition;
  if (c.deferrable) op.deferrable = true;
  if (!c.validated) op.validate = 'never';
  return op;
}

/** The changes to one constraint, keyed for {@link diffConstraints}. */
function addChanges(table: ObjectName, c: Constraint, owner: Table): SchemaChange[] {
  const object = { kind: 'constraint' as const, name: nameOf(table), member: c.name };
  const out = [
    change(
      isForeignKey(c) ? 'createForeignKeys' : 'createConstraints',
      object,
      addConstraintOperation(table, c, owner),
    ),
  ];
  out.push(...commentChange('CONSTRAINT', `${q(c.name)} ON ${qn(table)}`, null, c.comment, object));
  return out;
}

const dropChange = (table: ObjectName, c: Constraint): SchemaChange =>
  change(
    isForeignKey(c) ? 'dropForeignKeys' : 'dropConstraints',
    { kind: 'constraint', name: nameOf(table), member: c.name },
    { kind: 'dropConstraint', table: nameOf(table), name: c.name },
  );

const definitionOf = (c: Constraint) => ({
  type: c.type,
  definition: c.definition,
  deferrable: c.deferrable,
  initiallyDeferred: c.initiallyDeferred,
});

/**
 * Constraints of a table on both sides (`table` named as in `to`).
 *
 * @example
 * diffConstraints(users, before, after) // [dropConstraint users_age_check, addConstraint users_age_check]
 */
export function diffConstraints(table: ObjectName, from: Table, to: Table): SchemaChange[] {
  const out: SchemaChange[] = [];
  const old = byMember(from.constraints);
  for (const c of from.constraints)
    if (!to.constraints.some((n) => n.name === c.name)) out.push(dropChange(table, c));
  for (const c of to.constraints) {
    const before = old.get(c.name);
    if (before === undefined) {
      out.push(...addChanges(table, c, to));
      continue;
    }
    const object = { kind: 'constraint' as const, name: nameOf(table), member: c.name };
    if (!same(definitionOf(before), definitionOf(c)) || (before.validated && !c.validated)) {
      out.push(dropChange(table, before), ...addChanges(table, c, to));
      continue;
    }
    if (!before.validated && c.validated)
      out.push(
        sqlChange(
          isForeignKey(c) ? 'createForeignKeys' : 'createConstraints',
          object,
          `ALTER TABLE ${qn(table)} VALIDATE CONSTRAINT ${q(c.name)}`,
          {
            transactional: false,
          },
        ),
      );
    out.push(
      ...commentChange('CONSTRAINT', `${q(c.name)} ON ${qn(table)}`, before.comment, c.comment, object),
    );
  }
  return out;
}
