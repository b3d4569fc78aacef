import { expect, test } from 'vitest';
import { renameInExpression } from '../../../src/online/expr.js';
import { fitIdentifier, tempName, versionSchemaName } from '../../../src/online/names.js';

test('versionSchemaName is a clean identifier of at most 63 bytes', () => {
  expect(versionSchemaName('20240101120000', 'rename email')).toBe('sluice_20240101120000_rename_email');
  expect(versionSchemaName('20240101120000', 'Añadir-Columna!')).toBe('sluice_20240101120000_a_adir_columna');
  const a = versionSchemaName('20240101120000', 'x'.repeat(80));
  const b = versionSchemaName('20240101120000', `${'x'.repeat(79)}y`);
  expect(Buffer.byteLength(a)).toBeLessThanOrEqual(63);
  expect(a).not.toBe(b);
  expect(a).toMatch(/^[a-z0-9_]+$/);
});

test('fitIdentifier keeps UTF-8 characters whole', () => {
  const long = 'é'.repeat(40);
  const fit = fitIdentifier(long);
  expect(Buffer.byteLength(fit)).toBeLessThanOrEqual(63);
  expect(fit).not.toContain('\uFFFD');
  expect(tempName('age')).toBe('_sluice_age');
  expect(tempName('users_pkey', 'old')).toBe('_sluice_old_users_pkey');
});

test('renameInExpression touches only references to the column', () => {
  expect(
    renameInExpression(
      `age > 0 AND note <> 'age' AND "age" < 200 AND t.age = 1 AND page = 2`,
      'age',
      '_sluice_age',
    ),
  ).toBe(`"_sluice_age" > 0 AND note <> 'age' AND "_sluice_age" < 200 AND t.age = 1 AND page = 2`);
  expect(renameInExpression('AGE + $$age$$', 'age', 'x')).toBe('"x" + $$age$$');
  expect(renameInExpression('"Age" + age', 'Age', 'x')).toBe('"x" + age');
});
