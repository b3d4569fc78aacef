/**
 * PostgreSQL's serial pseudo-types, written once: `serial` is an `integer` column with a sequence it
 * owns and a `nextval()` default. The linter, the compiler and the capture of definitions all ask here.
 */

/** Each serial family: its names (canonical first), the integer type it stands for, and how `format_type` prints that. */
const SERIALS = [
  { names: ['serial', 'serial4'], base: 'int4', printed: 'integer' },
  { names: ['bigserial', 'serial8'], base: 'int8', printed: 'bigint' },
  { names: ['smallserial', 'serial2'], base: 'int2', printed: 'smallint' },
] as const;

const family = (name: string) => SERIALS.find((s) => (s.names as readonly string[]).includes(name));

/**
 * The integer type behind a serial type name (lowercase, as the parser gives it), or undefined.
 *
 * @example
 * serialBaseType('bigserial') // 'int8'
 * serialBaseType('text')      // undefined
 */
export function serialBaseType(name: string): 'int2' | 'int4' | 'int8' | undefined {
  return family(name)?.base;
}

/**
 * The usual name of a serial type (`serial8` is written `bigserial`), or undefined for other types.
 *
 * @example
 * serialTypeName('serial4') // 'serial'
 */
export function serialTypeName(name: string): string | undefined {
  return family(name)?.names[0];
}

/**
 * True for `serial`, `serial4`, `bigserial`, `serial8`, `smallserial`, `serial2`.
 *
 * @example
 * isSerialType('serial8') // true
 */
export function isSerialType(name: string): boolean {
  return serialBaseType(name) !== undefined;
}

/**
 * The serial type to declare for a column whose type `format_type` prints as `printed` and which
 * owns its sequence, or undefined when the type has no serial form.
 *
 * @example
 * serialTypeFor('integer') // 'serial'
 * serialTypeFor('numeric') // undefined
 */
export function serialTypeFor(printed: string): string | undefined {
  return SERIALS.find((s) => s.printed === printed)?.names[0];
}
