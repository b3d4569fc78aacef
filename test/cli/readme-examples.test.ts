/**
 * Every migration example in README.md applies as written: each fenced TypeScript migration
 * (`defineMigration`) and SQL migration (`-- migrate:up`, or the ignore-comment example) is
 * written to a fresh project and applied with `sluice up` to a database prepared with the tables
 * it uses. An example that matches no preparation below fails the test, so a new README example
 * cannot go untested.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, SERVER_TARGETS, SLOW } from '../helpers/cli.js';
import { cliSuite } from '../helpers/cli-suite.js';

interface Example {
  line: number;
  lang: 'ts' | 'sql';
  code: string;
}

function examples(): Example[] {
  const lines = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8').split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lang = /^```(ts|sql)$/.exec(lines[i] ?? '')?.[1] as Example['lang'] | undefined;
    if (!lang) continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[i + 1] !== '```') i++;
    const code = `${lines.slice(start, i + 1).join('\n')}\n`;
    i++;
    const migration = lang === 'ts' ? /defineMigration\(/.test(code) : /migrate:up|sluice-ignore/.test(code);
    if (migration) out.push({ line: start, lang, code });
  }
  return out;
}

/** The tables each example expects to exist (empty), found by what the example does. */
const SETUPS: { when: RegExp; sql: string }[] = [
  { when: /CREATE TABLE users/, sql: '' },
  {
    when: /INSERT INTO \$\{db\.ident\('users'\)\}/,
    sql: 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL)',
  },
  { when: /db\.createTable\('orders'/, sql: 'CREATE TABLE users (id bigint PRIMARY KEY, age int)' },
  { when: /DROP COLUMN legacy_flag/, sql: 'CREATE TABLE users (id bigint PRIMARY KEY, legacy_flag boolean)' },
  {
    when: /online: true,\n {2}operations: \(op\) => \[\n {4}op\.renameColumn\('users', 'email'/,
    sql: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, age int, first_name text, last_name text, phone text, legacy_flag boolean)',
  },
  {
    when: /db\.backfill\('users'/,
    sql: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, email_address text)',
  },
];

/** The file an example becomes: fragments get the import or the marker they leave out. */
function migrationFile(e: Example): { name: string; text: string } {
  if (e.lang === 'sql') {
    const text = e.code.includes('-- migrate:up') ? e.code : `-- migrate:up\n${e.code}`;
    return { name: `20240101000000_readme_${e.line}.sql`, text };
  }
  const text = e.code.includes('import {')
    ? e.code
    : `import { defineMigration } from 'sluice';\n\n${e.code}`;
  return { name: `20240101000000_readme_${e.line}.ts`, text };
}

const all = examples();

describe.each(SERVER_TARGETS)('README examples on $label', { timeout: SLOW }, ({ create }) => {
  const cli = cliSuite(create);

  it('finds the examples (migrations, typed operations, ignores, online, backfill)', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
  });

  it.each(all.map((e) => [e.line, e] as const))(
    'the example at README.md:%i applies as written',
    async (_line, e) => {
      const setups = SETUPS.filter((s) => s.when.test(e.code));
      expect(setups, `no preparation matches the example at README.md:${e.line}`).toHaveLength(1);
      if (setups[0]!.sql) await query(cli.db.url, setups[0]!.sql);
      const file = migrationFile(e);
      cli.project.write(`migrations/${file.name}`, file.text);
      const r = await cli.run('up');
      expect(r.stderr).not.toContain('error ');
      expect(r.code).toBe(0);
    },
  );
});
