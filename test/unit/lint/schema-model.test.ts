/** The linter's schema model: which tables a migration of this run had created, at a given moment. */
import { expect, test } from 'vitest';
import { tableKey } from '../../../src/lint/ast.js';
import { SchemaModel } from '../../../src/lint/schema.js';

test('createdAt answers for the moment asked about, through creates, renames, drops and re-creates', () => {
  const schema = new SchemaModel();
  schema.setColumn('seeded', 'id', { name: 'int8', mods: [], array: false } as never); // from the live database
  const start = schema.moment();
  schema.markCreated('users');
  const afterCreate = schema.moment();
  schema.renameTable('users', 'people');
  const afterRename = schema.moment();
  schema.dropTable('people');
  const afterDrop = schema.moment();
  schema.markCreated('people');

  const at = (name: string, moment: number) => schema.createdAt(tableKey(name), moment);
  expect([at('users', start), at('users', afterCreate), at('users', afterRename)]).toEqual([
    false,
    true,
    false,
  ]);
  expect([at('people', afterCreate), at('people', afterRename), at('people', afterDrop)]).toEqual([
    false,
    true,
    false,
  ]);
  expect(at('people', schema.moment())).toBe(true);
  // Seeded tables were not created by a migration; renaming one does not make it so.
  schema.renameTable('seeded', 'seeded2');
  expect(at('seeded2', schema.moment())).toBe(false);
});
