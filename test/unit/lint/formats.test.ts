import { describe, expect, test } from 'vitest';
import {
  formatFindings,
  formatGithub,
  formatJson,
  formatSarif,
  formatText,
} from '../../../src/lint/format/index.js';
import { RULES } from '../../../src/lint/rules/index.js';
import type { Finding } from '../../../src/lint/types.js';

const source = '-- migrate:up\nALTER TABLE users DROP COLUMN age;\n\tCREATE INDEX i ON users (email);\n';
const sources = new Map([['db/migrations/1_x.sql', source]]);
const findings: Finding[] = [
  {
    file: 'db/migrations/1_x.sql',
    line: 2,
    column: 1,
    endLine: 2,
    endColumn: 34,
    rule: 'ban-drop-column',
    severity: 'error',
    message: 'Dropping users.age breaks code.',
    help: 'Deploy code that no longer uses it first.',
  },
  {
    file: 'db/migrations/1_x.sql',
    line: 3,
    column: 2,
    rule: 'require-concurrent-index-creation',
    severity: 'warning',
    message: 'Blocks writes, 100%: a, b.',
    help: 'Use CONCURRENTLY.',
    fix: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON users (email);',
  },
];

describe('formats', () => {
  test('text: code frame with the line before, a caret at the column (tabs kept), help, fix, summary', () => {
    expect(formatText(findings, { sources })).toBe(
      [
        'db/migrations/1_x.sql:2:1 error ban-drop-column',
        '  Dropping users.age breaks code.',
        '',
        '    1 | -- migrate:up',
        '  > 2 | ALTER TABLE users DROP COLUMN age;',
        '      | ^',
        '',
        '  help: Deploy code that no longer uses it first.',
        '',
        'db/migrations/1_x.sql:3:2 warning require-concurrent-index-creation',
        '  Blocks writes, 100%: a, b.',
        '',
        '    2 | ALTER TABLE users DROP COLUMN age;',
        '  > 3 | \tCREATE INDEX i ON users (email);',
        '      | \t^',
        '',
        '  help: Use CONCURRENTLY.',
        '  fix:',
        '    -- migrate:up transaction:false',
        '    CREATE INDEX CONCURRENTLY i ON users (email);',
        '',
        '1 error, 1 warning in 1 file.',
        '',
      ].join('\n'),
    );
  });

  test('text: no source, no frame; no findings, a clean summary; colors only when asked', () => {
    expect(formatText([findings[0]!])).toBe(
      'db/migrations/1_x.sql:2:1 error ban-drop-column\n  Dropping users.age breaks code.\n\n  help: Deploy code that no longer uses it first.\n\n1 error, 0 warnings in 1 file.\n',
    );
    expect(formatText([])).toBe('No problems found.\n');
    expect(formatText(findings, { sources })).not.toContain('\u001b[');
    expect(formatText(findings, { sources, color: true })).toContain('\u001b[31merror\u001b[39m');
  });

  test('json: findings and counts', () => {
    expect(JSON.parse(formatJson(findings))).toEqual({ findings, errors: 1, warnings: 1 });
  });

  test('github: one workflow command per finding, escaped', () => {
    expect(formatGithub(findings)).toBe(
      '::error file=db/migrations/1_x.sql,line=2,col=1,endLine=2,endColumn=34,title=ban-drop-column::Dropping users.age breaks code.%0A%0ADeploy code that no longer uses it first.\n' +
        '::warning file=db/migrations/1_x.sql,line=3,col=2,title=require-concurrent-index-creation::Blocks writes, 100%25: a, b.%0A%0AUse CONCURRENTLY.%0A%0A-- migrate:up transaction:false%0ACREATE INDEX CONCURRENTLY i ON users (email);\n',
    );
    expect(formatGithub([{ ...findings[0]!, file: 'a,b:c.sql' }])).toContain('file=a%2Cb%3Ac.sql,');
  });

  test('sarif: a valid 2.1.0 log', () => {
    const log = JSON.parse(
      formatSarif(findings, { toolVersion: '0.1.0', docsBaseUrl: 'https://example.org/rules/' }),
    );
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('sluice');
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.tool.driver.rules).toHaveLength(RULES.length);
    const drop = run.tool.driver.rules.find((r: { id: string }) => r.id === 'ban-drop-column');
    expect(drop).toEqual({
      id: 'ban-drop-column',
      name: 'ban-drop-column',
      shortDescription: { text: 'DROP COLUMN breaks code that still uses the column and loses its data' },
      helpUri: 'https://example.org/rules/ban-drop-column.md',
      defaultConfiguration: { level: 'error', enabled: true },
    });
    expect(run.results[0]).toEqual({
      ruleId: 'ban-drop-column',
      ruleIndex: run.tool.driver.rules.indexOf(drop),
      level: 'error',
      message: { text: 'Dropping users.age breaks code.\n\nDeploy code that no longer uses it first.' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'db/migrations/1_x.sql' },
            region: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 34 },
          },
        },
      ],
      properties: { help: 'Deploy code that no longer uses it first.' },
    });
    expect(run.results[1].level).toBe('warning');
    expect(run.results[1].properties.fix).toContain('CONCURRENTLY');
    for (const r of run.results) {
      expect(['none', 'note', 'warning', 'error']).toContain(r.level);
      expect(Number.isInteger(r.locations[0].physicalLocation.region.startLine)).toBe(true);
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    }
  });

  test('sarif: file paths become URI references', () => {
    const log = JSON.parse(formatSarif([{ ...findings[0]!, file: 'db\\my migrations\\1.sql' }]));
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'db/my%20migrations/1.sql',
    );
  });

  test('formatFindings dispatches on the format name', () => {
    expect(formatFindings('json', findings)).toBe(formatJson(findings));
    expect(formatFindings('github', findings)).toBe(formatGithub(findings));
  });
});
