import { expect, test } from 'vitest';
import {
  isSerialType,
  serialBaseType,
  serialTypeFor,
  serialTypeName,
} from '../../../src/dialects/postgres/serial-types.js';

test('every serial name, its integer type and its usual name', () => {
  const names = ['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2'];
  expect(names.map((n) => [n, serialBaseType(n), serialTypeName(n), isSerialType(n)])).toEqual([
    ['serial', 'int4', 'serial', true],
    ['serial4', 'int4', 'serial', true],
    ['bigserial', 'int8', 'bigserial', true],
    ['serial8', 'int8', 'bigserial', true],
    ['smallserial', 'int2', 'smallserial', true],
    ['serial2', 'int2', 'smallserial', true],
  ]);
  expect([serialBaseType('int4'), serialTypeName('text'), isSerialType('integer')]).toEqual([
    undefined,
    undefined,
    false,
  ]);
});

test('the serial type to declare for a type as the server prints it', () => {
  expect(['integer', 'bigint', 'smallint', 'numeric', 'int4'].map(serialTypeFor)).toEqual([
    'serial',
    'bigserial',
    'smallserial',
    undefined,
    undefined,
  ]);
});
