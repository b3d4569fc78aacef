import { objectWord } from '../kinds.js';
import type { Rule } from '../rule.js';

/** `ALTER … SET SCHEMA`: code using the schema-qualified name (or a search_path without the new schema) breaks. squawk: ban-set-schema. */
export const banSetSchema: Rule = {
  id: 'ban-set-schema',
  severity: 'warning',
  hazard: 'compatibility',
  summary: 'SET SCHEMA moves an object away from the name code uses',
  check(ctx) {
    if (!('AlterObjectSchemaStmt' in ctx.node)) return;
    const s = ctx.node.AlterObjectSchemaStmt;
    const rel = s.relation?.relname;
    if (rel && ctx.state.isNewTable(rel)) return;
    const word = objectWord(s.objectType).toLowerCase();
    ctx.report({
      location: s.relation?.location,
      message: `Moving this ${word} to schema ${s.newschema ?? ''} breaks code that names it with its old schema, or whose search_path does not include the new one.`,
      help: `Update every user (qualified names, search_path) to find the ${word} in ${s.newschema ?? 'the new schema'} before moving it.`,
    });
  },
};
