/** Enums: labels added in place at their position; a removed or moved label is reviewed SQL. */
import { describe, expect, it } from 'vitest';
import { addsOnly } from '../../../src/schema/diff/enums.js';
import { diffSchemas } from '../../../src/schema/diff/index.js';
import { column, enumType, model, show, table } from './builders.js';

describe('enums', () => {
  it('creates and drops enums', () => {
    const diff = diffSchemas(
      model({ enums: [enumType('gone', ['x'])] }),
      model({ enums: [enumType('mood', ['sad', 'ok'], { comment: 'feelings' })] }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "dropEnums: drop enum public.gone",
        "createTypes: create enum public.mood",
        "comments: COMMENT ON TYPE "public"."mood" IS 'feelings' ⟲ COMMENT ON TYPE "public"."mood" IS NULL",
      ]
    `);
  });

  it('adds labels before, between and after the old ones', () => {
    const diff = diffSchemas(
      model({ enums: [enumType('mood', ['sad', 'happy'])] }),
      model({ enums: [enumType('mood', ['awful', 'sad', 'ok', 'happy', 'ecstatic'])] }),
    );
    expect(diff.changes.map((c) => c.operation)).toMatchInlineSnapshot(`
      [
        {
          "before": "sad",
          "kind": "addEnumValue",
          "type": {
            "name": "mood",
            "schema": "public",
          },
          "value": "awful",
        },
        {
          "after": "sad",
          "kind": "addEnumValue",
          "type": {
            "name": "mood",
            "schema": "public",
          },
          "value": "ok",
        },
        {
          "after": "happy",
          "kind": "addEnumValue",
          "type": {
            "name": "mood",
            "schema": "public",
          },
          "value": "ecstatic",
        },
      ]
    `);
  });

  it('re-creates the type and casts its columns when a label goes, flagged', () => {
    const users = table('users', { columns: [column('mood', 'mood', { default: "'ok'::mood" })] });
    const diff = diffSchemas(
      model({ enums: [enumType('mood', ['sad', 'ok', 'happy'])], tables: [users] }),
      model({ enums: [enumType('mood', ['sad', 'ok'])], tables: [users] }),
    );
    expect(show(diff.changes)).toMatchInlineSnapshot(`
      [
        "alterTypes: ALTER TYPE "public"."mood" RENAME TO "mood__old";
      CREATE TYPE "public"."mood" AS ENUM ('sad', 'ok');
      ALTER TABLE "public"."users" ALTER COLUMN "mood" DROP DEFAULT;
      ALTER TABLE "public"."users" ALTER COLUMN "mood" TYPE "public"."mood" USING "mood"::text::"public"."mood";
      ALTER TABLE "public"."users" ALTER COLUMN "mood" SET DEFAULT 'ok'::mood;
      DROP TYPE "public"."mood__old" [needsReview, deletesData, rewritesTable]",
      ]
    `);
    expect(diff.changes[0]?.hazards.map((h) => h.kind)).toEqual([
      'needsReview',
      'deletesData',
      'rewritesTable',
    ]);
  });

  it('tells additions from reorders', () => {
    expect(addsOnly(['a', 'b'], ['x', 'a', 'y', 'b'])).toBe(true);
    expect(addsOnly(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(addsOnly(['a', 'b'], ['a'])).toBe(false);
  });
});
