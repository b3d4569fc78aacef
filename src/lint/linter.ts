/**
 * The linter: parses each statement with PostgreSQL's parser, runs every enabled rule with the
 * migration's context, applies ignore comments and reports the directives that are wrong or
 * unused. Pure: no database, no console.
 */

import { loadParser, parseBatch, parseSql } from '../dialects/postgres/parser.js';
import { ConfigError } from '../errors.js';
import { analyzeNode } from './analyze.js';
import { type IgnoreDirective, lineColumn, parseIgnores, SQUAWK_GROUPS } from './ignores.js';
import type { FinishContext, Rule, RuleContext, Violation } from './rule.js';
import { RULES, ruleById } from './rules/index.js';
import type { SchemaModel } from './schema.js';
import { MigrationState } from './state.js';
import type {
  Finding,
  LintContext,
  LintOptions,
  LintStatementInput,
  RuleSetting,
  Severity,
  StatementAnalysis,
} from './types.js';
import { majorVersion } from './version.js';

/** Options of {@link lintStatements}. */
export interface LintStatementsOptions extends Pick<LintOptions, 'rules'> {
  /** Schema learnt from earlier migrations; updated with what these statements do. */
  schema?: SchemaModel;
  /** Only report syntax errors (used for `down` sections). */
  syntaxOnly?: boolean;
  /** Receives the analysis of each parsed statement (the runner's plan reuses it: one parse). */
  onAnalysis?: (statementIndex: number, analysis: StatementAnalysis) => void;
  /** Receives each reported finding (after ignores) with the index of its statement. */
  onFinding?: (finding: Finding, statementIndex: number) => void;
}

/**
 * Resolves per-rule settings into the enabled rules and their severities. Throws a ConfigError
 * for an unknown rule id.
 *
 * @example
 * resolveRules({ 'ban-drop-column': 'off', 'require-lock-timeout': 'warning' })
 */
export function resolveRules(settings: Record<string, RuleSetting> = {}): Map<string, Severity> {
  const overrides = new Map<string, RuleSetting>();
  for (const [id, setting] of Object.entries(settings)) {
    const rule = ruleById(id);
    if (!rule) {
      throw new ConfigError(`Unknown lint rule "${id}" in the lint configuration.`, {
        details: { hint: `Known rules: ${RULES.map((r) => r.id).join(', ')}.` },
      });
    }
    if (setting !== 'off' && setting !== 'warning' && setting !== 'error') {
      throw new ConfigError(`Lint rule "${id}" is set to ${JSON.stringify(setting)}.`, {
        details: { hint: "Use 'off', 'warning' or 'error'." },
      });
    }
    overrides.set(rule.id, setting);
  }
  const enabled = new Map<string, Severity>();
  for (const rule of RULES) {
    const o = overrides.get(rule.id);
    if (o === 'off' || (o === undefined && rule.defaultOff)) continue;
    enabled.set(rule.id, o ?? rule.severity);
  }
  return enabled;
}

interface Located {
  finding: Finding;
  statementIndex: number;
}

function position(input: LintStatementInput, index: number): { line: number; column: number } {
  const rel = lineColumn(input.sql, Math.max(0, Math.min(index, input.sql.length)));
  return rel.line === 1
    ? { line: input.line, column: input.column + rel.column - 1 }
    : { line: input.line + rel.line - 1, column: rel.column };
}

function finding(
  ctx: LintContext,
  input: LintStatementInput,
  index: number,
  rule: string,
  severity: Severity,
  v: Violation,
): Finding {
  const start = position(input, index);
  const end = position(input, input.sql.length);
  const f: Finding = {
    file: ctx.file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    rule,
    severity,
    message: v.message,
    help: v.help,
  };
  if (v.fix !== undefined) f.fix = v.fix;
  return f;
}

/**
 * Lints the statements of one migration step.
 *
 * @example
 * const findings = await lintStatements(
 *   [{ sql: 'CREATE INDEX i ON users (email)', line: 2, column: 1, leadingComments: [] }],
 *   { file: 'db/migrations/20240101000000_idx.sql', transaction: true, pgVersion: 15 },
 * );
 * // [{ rule: 'require-concurrent-index-creation', severity: 'error', line: 2, column: 1, … }]
 */
export async function lintStatements(
  statements: readonly LintStatementInput[],
  context: LintContext,
  options: LintStatementsOptions = {},
): Promise<Finding[]> {
  await loadParser();
  const ctx: LintContext = { ...context, pgVersion: majorVersion(context.pgVersion) };
  const enabled = resolveRules(options.rules);
  const rules: Rule[] = options.syntaxOnly ? [] : RULES.filter((r) => enabled.has(r.id));
  const state = new MigrationState(ctx, options.schema);
  const found: Located[] = [];
  const directives: IgnoreDirective[] = [];

  const nonEmpty = statements.filter((s) => s.sql.trim() !== '');
  const batch = nonEmpty.length > 1 ? parseBatch(nonEmpty.map((s) => s.sql)) : null;
  let batchIndex = 0;

  statements.forEach((input, statementIndex) => {
    directives.push(...parseIgnores(input, statementIndex, ctx));
    state.statements.push(input);
    if (input.sql.trim() === '') return; // comments only (e.g. above `-- migrate:up`)
    const parsed = batch?.[batchIndex++] ?? parseSql(input.sql);
    if (!parsed.ok) {
      const severity = enabled.get('syntax-error');
      if (severity) {
        const v = {
          message: `Syntax error: ${parsed.message}.`,
          help: 'Fix the statement: PostgreSQL would reject it the same way.',
        };
        found.push({
          finding: finding(ctx, input, parsed.index, 'syntax-error', severity, v),
          statementIndex,
        });
      }
      return;
    }
    for (const stmt of parsed.stmts) {
      const analysis = analyzeNode(stmt.node, { pgVersion: ctx.pgVersion, schema: state.schema });
      options.onAnalysis?.(statementIndex, analysis);
      // One context per statement; `report` credits the rule being run.
      let current: Rule | undefined;
      const ruleCtx: RuleContext = {
        node: stmt.node,
        input,
        analysis,
        state,
        toIndex: parsed.toIndex,
        report: (v) => {
          if (!current) return;
          const index = v.location !== undefined && v.location >= 0 ? parsed.toIndex(v.location) : stmt.start;
          const severity = enabled.get(current.id) ?? current.severity;
          found.push({ finding: finding(ctx, input, index, current.id, severity, v), statementIndex });
        },
      };
      for (const rule of rules) {
        if (!rule.check) continue;
        current = rule;
        rule.check(ruleCtx);
      }
      current = undefined;
      state.update(stmt.node, analysis);
    }
  });

  for (const rule of rules) {
    if (!rule.finish) continue;
    const severity = enabled.get(rule.id) ?? rule.severity;
    const finishCtx: FinishContext = {
      state,
      report: (v) => {
        const statementIndex = v.statementIndex ?? 0;
        const input = statements[statementIndex];
        if (!input) return;
        found.push({ finding: finding(ctx, input, 0, rule.id, severity, v), statementIndex });
      },
    };
    rule.finish(finishCtx);
  }

  const kept = applyIgnores(found, directives, options.onFinding);
  if (!options.syntaxOnly) kept.push(...directiveFindings(directives, enabled, ctx));
  return kept.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/** The sluice rule ids a rule name in an ignore comment stands for (none: unknown). */
function idsOf(name: string): readonly string[] {
  const rule = ruleById(name);
  return rule ? [rule.id] : (SQUAWK_GROUPS[name] ?? []);
}

/** The names of `d` that cover rule `id` ('*': a squawk ignore naming no rule covers every one). */
function covering(d: IgnoreDirective, id: string): string[] {
  if (d.form === 'squawk' && d.rules.length === 0) return ['*'];
  return d.rules.filter((r) => idsOf(r).includes(id));
}

function applyIgnores(
  found: Located[],
  directives: IgnoreDirective[],
  onFinding?: LintStatementsOptions['onFinding'],
): Finding[] {
  const kept: Finding[] = [];
  for (const { finding: f, statementIndex } of found) {
    let suppressed = false;
    for (const d of directives) {
      if (d.scope === 'statement' && d.statementIndex !== statementIndex) continue;
      const names = covering(d, f.rule);
      for (const n of names) d.used.add(n);
      if (names.length > 0) suppressed = true;
    }
    if (suppressed) continue;
    kept.push(f);
    onFinding?.(f, statementIndex);
  }
  return kept;
}

function directiveFindings(
  directives: IgnoreDirective[],
  enabled: Map<string, Severity>,
  ctx: LintContext,
): Finding[] {
  const out: Finding[] = [];
  const push = (d: IgnoreDirective, rule: string, message: string, help: string) => {
    const severity = enabled.get(rule);
    if (severity) out.push({ file: ctx.file, line: d.line, column: d.column, rule, severity, message, help });
  };
  const form = (d: IgnoreDirective) => `${d.form}-ignore${d.scope === 'file' ? '-file' : ''}`;
  const where = (d: IgnoreDirective) => (d.scope === 'statement' ? ' on the next statement' : '');
  const unused =
    'Remove it: the statement no longer triggers the rule, or the comment sits before the wrong statement.';
  for (const d of directives) {
    // squawk's spelling is honoured as squawk reads it: no reason needed, no rule means every rule.
    if (d.form === 'squawk' && d.rules.length === 0) {
      if (!d.used.has('*'))
        push(d, 'unused-ignore', `This ${form(d)} comment matches no finding${where(d)}.`, unused);
      continue;
    }
    if (d.rules.length === 0) {
      push(
        d,
        'ignore-unknown-rule',
        `This ${form(d)} comment names no rule.`,
        `Write \`-- ${form(d)} <rule-id>: <reason>\`.`,
      );
    }
    if (d.reason === '' && d.form === 'sluice') {
      push(
        d,
        'ignore-missing-reason',
        `This ${form(d)} comment gives no reason.`,
        `Say why the risk is acceptable after a colon: \`-- ${form(d)} ${d.rules.join(', ') || '<rule-id>'}: <reason>\`.`,
      );
    }
    for (const name of d.rules) {
      const ids = idsOf(name);
      if (ids.length === 0) {
        push(
          d,
          'ignore-unknown-rule',
          `Unknown rule "${name}" in ${form(d)} comment.`,
          'Use a rule id from docs/rules (the id printed with each finding).',
        );
      } else if (ids.some((id) => enabled.has(id)) && !d.used.has(name)) {
        const shown = ids.length === 1 ? ids[0] : name;
        push(
          d,
          'unused-ignore',
          `This ${form(d)} comment for ${shown} matches no finding${where(d)}.`,
          unused,
        );
      }
    }
  }
  return out;
}
