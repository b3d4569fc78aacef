// Core figures on the real server: ms per migration for 300 trivial migrations, and the cold wall
// time of `sluice status` with 300 applied. Compares dbmate and node-pg-migrate when they can be
// installed (into bench/.work, never into the project).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createMigrator } from '../dist/index.js';

const ADMIN = process.env.SLUICE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_MIGRATIONS ?? 300);
const BIN = resolve('dist/cli/bin.js');
const WORK = resolve('bench/.work');

async function admin(sql) {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function freshDb(name) {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  return url.toString();
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function line(label, value, target) {
  console.log(`${label.padEnd(58)} ${value.padStart(12)}${target ? `   target ${target}` : ''}`);
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
const sqlDir = join(dir, 'sql');
mkdirSync(sqlDir);
for (let i = 1; i <= N; i++) {
  const v = String(20240101000000 + i);
  writeFileSync(
    join(sqlDir, `${v}_m${i}.sql`),
    `-- migrate:up\nCREATE TABLE t${i} (id int);\n\n-- migrate:down\nDROP TABLE t${i};\n`,
  );
}

console.log(`\n== core: ${N} trivial migrations (CREATE TABLE), real server ==`);
const url = await freshDb('sluice_bench_core');
{
  const m = await createMigrator({ config: { database: url, migrations: sqlDir } });
  const t0 = performance.now();
  await m.up();
  const ms = performance.now() - t0;
  await m.close();
  line('sluice up (library, one process)', `${(ms / N).toFixed(3)} ms/mig`, '< 1.5 ms/mig');
}
{
  const times = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'status', '--url', url, '--dir', sqlDir], {
      encoding: 'utf8',
    });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(r.stderr);
  }
  line(
    `sluice status, cold process, ${N} applied (median of 7)`,
    `${median(times).toFixed(0)} ms`,
    '< 250 ms',
  );
}
const url2 = await freshDb('sluice_bench_core_cli');
let sluiceCli;
{
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'up', '--url', url2, '--dir', sqlDir], { encoding: 'utf8' });
  sluiceCli = performance.now() - t0;
  if (r.status !== 0) throw new Error(r.stderr);
  line('sluice up (CLI, whole process)', `${(sluiceCli / N).toFixed(3)} ms/mig`);
}

// Other tools, on the same migrations, when they can be installed.
function ensureTools() {
  if (
    existsSync(join(WORK, 'node_modules/.bin/dbmate')) &&
    existsSync(join(WORK, 'node_modules/.bin/node-pg-migrate'))
  )
    return true;
  mkdirSync(WORK, { recursive: true });
  const r = spawnSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', WORK, 'dbmate', 'node-pg-migrate', 'pg'],
    {
      encoding: 'utf8',
    },
  );
  return r.status === 0;
}
if (process.env.BENCH_SKIP_OTHERS !== '1' && ensureTools()) {
  {
    const u = await freshDb('sluice_bench_dbmate');
    const t0 = performance.now();
    execFileSync(
      join(WORK, 'node_modules/.bin/dbmate'),
      ['--url', `${u}?sslmode=disable`, '--migrations-dir', sqlDir, '--no-dump-schema', 'up'],
      {
        stdio: 'ignore',
      },
    );
    const ms = performance.now() - t0;
    line('dbmate up (whole process)', `${(ms / N).toFixed(3)} ms/mig`);
    line('  ratio dbmate / sluice CLI', `${(ms / sluiceCli).toFixed(2)}x`);
  }
  {
    const pgmDir = join(dir, 'pgm');
    mkdirSync(pgmDir);
    for (let i = 1; i <= N; i++) {
      writeFileSync(
        join(pgmDir, `${20240101000000 + i}_m${i}.js`),
        `exports.up = (pgm) => { pgm.sql('CREATE TABLE t${i} (id int)'); };\nexports.down = (pgm) => { pgm.sql('DROP TABLE t${i}'); };\n`,
      );
    }
    const u = await freshDb('sluice_bench_pgm');
    const t0 = performance.now();
    execFileSync(join(WORK, 'node_modules/.bin/node-pg-migrate'), ['up', '-m', pgmDir, '--no-check-order'], {
      stdio: 'ignore',
      env: { ...process.env, DATABASE_URL: u },
    });
    const ms = performance.now() - t0;
    line('node-pg-migrate up (whole process)', `${(ms / N).toFixed(3)} ms/mig`);
    line('  ratio node-pg-migrate / sluice CLI', `${(ms / sluiceCli).toFixed(2)}x`);
  }
} else if (process.env.BENCH_SKIP_OTHERS !== '1') {
  console.log('dbmate / node-pg-migrate could not be installed into bench/.work: comparison skipped');
}

for (const name of [
  'sluice_bench_core',
  'sluice_bench_core_cli',
  'sluice_bench_dbmate',
  'sluice_bench_pgm',
]) {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
rmSync(dir, { recursive: true, force: true });
