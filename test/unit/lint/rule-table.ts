import { describe, expect, test } from 'vitest';
import { fixFindings, lint, type RuleCases } from './helpers.js';

/** Runs a table of rule cases: passes, failures at exact positions, and that each fix passes the rule. */
export function runRuleTables(tables: readonly RuleCases[]): void {
  for (const t of tables) {
    describe(t.rule, () => {
      t.pass.forEach((p, i) => {
        const { sql, options } = typeof p === 'string' ? { sql: p, options: {} } : p;
        test(`passes #${i + 1}: ${sql.split('\n')[0]}`, async () => {
          const found = (
            await lint(sql, { rules: { [t.rule]: t.severity }, ...t.options, ...options })
          ).filter((f) => f.rule === t.rule);
          expect(found).toEqual([]);
        });
      });
      t.fail.forEach((c, i) => {
        test(`fails #${i + 1}: ${c.sql.split('\n').pop()}`, async () => {
          const options = { rules: { [t.rule]: t.severity }, ...t.options, ...c.options };
          const found = (await lint(c.sql, options)).filter((f) => f.rule === t.rule);
          expect(
            found.map((f) => ({ rule: f.rule, line: f.line, column: f.column, severity: f.severity })),
          ).toEqual([{ rule: t.rule, line: c.at[0], column: c.at[1], severity: t.severity }]);
          const f = found[0]!;
          expect(f.message.length).toBeGreaterThan(20);
          expect(f.help.length).toBeGreaterThan(10);
          if (f.fix !== undefined) expect(await fixFindings(t.rule, f.fix, options)).toEqual([]);
        });
      });
    });
  }
}
