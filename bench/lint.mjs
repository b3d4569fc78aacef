// Lint figures: time to lint 1,000 migration files (target under 2 s), and the splitter's speed.
// Pure: no database needed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintPaths } from '../dist/lint/index.js';
import { splitStatements } from '../dist/sql/split.js';

const FILES = Number(process.env.BENCH_LINT_FILES ?? 1000);

function migration(i) {
  const t = `t${i}`;
  const up = [
    `CREATE TABLE ${t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`,
    `ALTER TABLE ${t} ADD COLUMN note text;`,
    `CREATE INDEX ${t}_name ON ${t} (name);`,
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_name_len CHECK (length(name) < 200);`,
    `COMMENT ON TABLE ${t} IS 'bench table ${i}';`,
    `INSERT INTO ${t} (name) VALUES ('a'), ('b');`,
    `UPDATE ${t} SET note = 'x' WHERE name = 'a';`,
    `CREATE FUNCTION ${t}_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := coalesce(NEW.note, ''); RETURN NEW; END; $$;`,
    `CREATE TRIGGER ${t}_touch BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_touch();`,
    `ALTER TABLE users ADD COLUMN c${i} integer;`,
    `ALTER TABLE users RENAME COLUMN a${i} TO b${i};`,
    `CREATE UNIQUE INDEX CONCURRENTLY ${t}_u ON ${t} (name);`,
    `ALTER TABLE ${t} ALTER COLUMN note TYPE varchar(100);`,
    `ALTER TABLE ${t} ALTER COLUMN note SET NOT NULL;`,
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_fk FOREIGN KEY (id) REFERENCES users (id);`,
    `DROP INDEX IF EXISTS ${t}_old;`,
    `ALTER TABLE ${t} DROP COLUMN IF EXISTS legacy;`,
    `CREATE VIEW ${t}_v AS SELECT id, name FROM ${t};`,
    `GRANT SELECT ON ${t} TO PUBLIC;`,
    `ANALYZE ${t};`,
  ];
  return `-- migrate:up\n${up.join('\n')}\n\n-- migrate:down\nDROP TABLE ${t};\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-lint-'));
for (let i = 0; i < FILES; i++) writeFileSync(join(dir, `${20240101000000 + i}_m${i}.sql`), migration(i));

console.log(`\n== lint: ${FILES} migration files of 20 statements, no database ==`);
const t0 = performance.now();
const report = await lintPaths([dir]);
const ms = performance.now() - t0;
console.log(
  `${`sluice lint (cold: includes loading the WASM parser)`.padEnd(58)} ${`${(ms / 1000).toFixed(2)} s`.padStart(12)}   target < 2 s`,
);
console.log(
  `  ${report.files.length} files, ${report.statements} statements, ${report.findings.length} findings`,
);

const text = migration(1).repeat(2);
const t1 = performance.now();
for (let i = 0; i < 1000; i++) splitStatements(text);
console.log(
  `${'statement splitter, 1,000 files of ~46 lines'.padEnd(58)} ${`${(performance.now() - t1).toFixed(0)} ms`.padStart(12)}`,
);
rmSync(dir, { recursive: true, force: true });
