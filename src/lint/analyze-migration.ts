/**
 * The analysis of a whole migration step, for `sluice plan` and `sluice status`: each
 * statement's locks and effects, with what earlier statements taught (tables created in the
 * migration lock nobody; column types declared earlier), and the migration's class.
 */

import { loadParser, parseSql } from '../dialects/postgres/parser.js';
import { analyzeNode, migrationClass } from './analyze.js';
import { tableKey } from './ast.js';
import { SchemaModel } from './schema.js';
import { MigrationState } from './state.js';
import type { ChangeClass, StatementAnalysis } from './types.js';
import { majorVersion } from './version.js';

/** One statement of {@link analyzeMigration}: its analysis, or the parser's error. */
export type StatementReport = { sql: string; analysis: StatementAnalysis } | { sql: string; error: string };

/** What {@link analyzeMigration} returns. */
export interface MigrationAnalysis {
  statements: StatementReport[];
  /** The strongest class among the statements ('none' for an empty migration). */
  class: ChangeClass;
  /** False when a statement may not run inside a transaction block. */
  transactional: boolean;
}

/**
 * Analyzes the statements of one migration step, in order. Locks on tables created earlier in
 * the same migration are left out: nobody else can be waiting for them. A statement that does
 * not parse is reported with the parser's message, not dropped.
 *
 * @example
 * const m = await analyzeMigration(['CREATE TABLE t (a int)', 'CREATE INDEX i ON t (a)', 'DROP TABLE old']);
 * m.class // 'destructive'; m.statements[1].analysis.locks // []
 */
export async function analyzeMigration(
  sqls: readonly string[],
  options: { pgVersion?: number | string; schema?: SchemaModel; transaction?: boolean } = {},
): Promise<MigrationAnalysis> {
  await loadParser();
  const pgVersion = majorVersion(options.pgVersion);
  const state = new MigrationState(
    { file: '', transaction: options.transaction ?? true, pgVersion },
    options.schema ?? new SchemaModel(),
  );
  const statements: StatementReport[] = [];
  for (const sql of sqls) {
    const parsed = parseSql(sql);
    if (!parsed.ok) {
      statements.push({ sql, error: `${parsed.message} (at character ${parsed.index + 1})` });
      continue;
    }
    for (const stmt of parsed.stmts) {
      const analysis = analyzeNode(stmt.node, { pgVersion, schema: state.schema });
      const locks = analysis.locks.filter((l) => l.isIndex || !state.isNewTable(tableKey(l.table)));
      state.update(stmt.node, analysis);
      statements.push({ sql: sql.slice(stmt.start, stmt.end), analysis: { ...analysis, locks } });
    }
  }
  const analyses = statements.flatMap((s) => ('analysis' in s ? [s.analysis] : []));
  return {
    statements,
    class: migrationClass(analyses),
    transactional: analyses.every((a) => a.transactional),
  };
}
