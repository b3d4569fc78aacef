/**
 * Model objects for the differ's tests, each at its "nothing special" value, and a compact view of
 * a diff's changes for inline snapshots.
 */
import { describeChange, type SchemaChange } from '../../../src/schema/diff/index.js';
import type {
  EnumType,
  ObjectName,
  Routine,
  SchemaModel,
  Sequence,
  View,
} from '../../../src/schema/model.js';
import { emptySchemaModel } from '../../../src/schema/model.js';

export { column, constraint, index, table, trigger } from '../../helpers/schema-model.js';

/** `public.<name>`. */
export const pub = (name: string): ObjectName => ({ schema: 'public', name });

/** A model holding `parts`. */
export const model = (parts: Partial<SchemaModel> = {}): SchemaModel => ({ ...emptySchemaModel(), ...parts });

/** A view in `public`. */
export const view = (name: string, query: string, extra: Partial<View> = {}): View => ({
  ...pub(name),
  materialized: false,
  query,
  options: {},
  comment: null,
  columns: [],
  indexes: [],
  triggers: [],
  ...extra,
});

/** An enum in `public`. */
export const enumType = (name: string, values: string[], extra: Partial<EnumType> = {}): EnumType => ({
  ...pub(name),
  values,
  comment: null,
  ...extra,
});

/** A free-standing integer sequence in `public`. */
export const sequence = (name: string, extra: Partial<Sequence> = {}): Sequence => ({
  ...pub(name),
  type: 'integer',
  start: '1',
  increment: '1',
  min: '1',
  max: '2147483647',
  cache: '1',
  cycle: false,
  ownedBy: null,
  identity: false,
  comment: null,
  ...extra,
});

/** A SQL function `public.<name>()` returning `returns` (default `integer`). */
export const routine = (name: string, body: string, extra: Partial<Routine> = {}): Routine => {
  const returns = extra.returns ?? 'integer';
  return {
    ...pub(name),
    kind: 'function',
    identityArguments: '',
    returns,
    language: 'sql',
    definition: `CREATE OR REPLACE FUNCTION public.${name}()\n RETURNS ${returns}\n LANGUAGE sql\nAS $function$${body}$function$\n`,
    comment: null,
    ...extra,
  };
};

/** One line per change (see `describeChange`). */
export const show = (changes: readonly SchemaChange[]): string[] => changes.map(describeChange);
