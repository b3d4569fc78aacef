// Core figures on the real server: ms per migration for 300 no-op migrations (the runner's own
// cost) and 300 CREATE TABLE migrations (also run through dbmate and node-pg-migrate when they can
// be installed, into bench/.work, never into the project), and the cold wall time of
// `sluice status` with 300 applied.
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
const DATABASES = [
  'sluice_bench_noop',
  'sluice_bench_core',
  'sluice_bench_cli',
  'sluice_bench_dbmate',
  'sluice_bench_pgm',
];

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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function line(label, value, target) {
  console.log(`${label.padEnd(62)} ${value.padStart(14)}${target ? `   target ${target}` : ''}`);
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
function migrations(name, up, down) {
  const d = join(dir, name);
  mkdirSync(d);
  for (let i = 1; i <= N; i++) {
    writeFileSync(
      join(d, `${20240101000000 + i}_m${i}.sql`),
      `-- migrate:up\n${up(i)}\n\n-- migrate:down\n${down(i)}\n`,
    );
  }
  return d;
}
const noopDir = migrations(
  'noop',
  () => 'SELECT 1;',
  () => 'SELECT 1;',
);
const sqlDir = migrations(
  'sql',
  (i) => `CREATE TABLE t${i} (id int);`,
  (i) => `DROP TABLE t${i};`,
);

/** Applies a directory through the library: ms per migration, split into preparation and execution. */
async function applyLibrary(url, migrationsDir) {
  let first;
  let last;
  const onEvent = (e) => {
    if (e.type === 'migration-start' && first === undefined) first = performance.now();
    if (e.type === 'migration-done') last = performance.now();
  };
  const m = await createMigrator({ config: { database: url, migrations: migrationsDir }, onEvent });
  const t0 = performance.now();
  await m.up();
  const t1 = performance.now();
  await m.close();
  return { total: (t1 - t0) / N, prep: (first - t0) / N, exec: (last - first) / N };
}
const perMig = (r) => `${r.total.toFixed(3)} ms/mig`;
const split = (r) =>
  `  (prepare: read, checksum, lint ${r.prep.toFixed(2)} ms; execute ${r.exec.toFixed(2)} ms)`;

console.log(`\n== core: ${N} migrations, real server ==`);
{
  const r = await applyLibrary(await freshDb('sluice_bench_noop'), noopDir);
  line(`sluice up, ${N} no-op migrations (SELECT 1), library`, perMig(r), '< 1.5 ms/mig');
  console.log(split(r));
}
const url = await freshDb('sluice_bench_core');
{
  const r = await applyLibrary(url, sqlDir);
  line(`sluice up, ${N} CREATE TABLE migrations, library`, perMig(r));
  console.log(split(r));
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
let sluiceCli;
{
  const u = await freshDb('sluice_bench_cli');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'up', '--url', u, '--dir', sqlDir], { encoding: 'utf8' });
  sluiceCli = performance.now() - t0;
  if (r.status !== 0) throw new Error(r.stderr);
  line('sluice up, CREATE TABLE migrations, CLI (whole process)', `${(sluiceCli / N).toFixed(3)} ms/mig`);
}

function ensureTools() {
  if (
    existsSync(join(WORK, 'node_modules/.bin/dbmate')) &&
    existsSync(join(WORK, 'node_modules/.bin/node-pg-migrate'))
  )
    return true;
  mkdirSync(WORK, { recursive: true });
  const args = [
    'install',
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--prefix',
    WORK,
    'dbmate',
    'node-pg-migrate',
    'pg',
  ];
  return spawnSync('npm', args, { encoding: 'utf8' }).status === 0;
}
if (process.env.BENCH_SKIP_OTHERS !== '1' && ensureTools()) {
  {
    const u = await freshDb('sluice_bench_dbmate');
    const t0 = performance.now();
    const args = ['--url', `${u}?sslmode=disable`, '--migrations-dir', sqlDir, '--no-dump-schema', 'up'];
    execFileSync(join(WORK, 'node_modules/.bin/dbmate'), args, { stdio: 'ignore' });
    const ms = performance.now() - t0;
    line('dbmate up, same migrations (whole process)', `${(ms / N).toFixed(3)} ms/mig`);
    line('  ratio dbmate / sluice CLI', `${(ms / sluiceCli).toFixed(2)}x`);
  }
  {
    const pgmDir = join(dir, 'pgm');
    mkdirSync(pgmDir);
    for (let i = 1; i <= N; i++) {
      const body = `exports.up = (pgm) => { pgm.sql('CREATE TABLE t${i} (id int)'); };\nexports.down = (pgm) => { pgm.sql('DROP TABLE t${i}'); };\n`;
      writeFileSync(join(pgmDir, `${20240101000000 + i}_m${i}.js`), body);
    }
    const u = await freshDb('sluice_bench_pgm');
    const t0 = performance.now();
    const env = { ...process.env, DATABASE_URL: u };
    execFileSync(join(WORK, 'node_modules/.bin/node-pg-migrate'), ['up', '-m', pgmDir, '--no-check-order'], {
      stdio: 'ignore',
      env,
    });
    const ms = performance.now() - t0;
    line('node-pg-migrate up, same migrations (whole process)', `${(ms / N).toFixed(3)} ms/mig`);
    line('  ratio node-pg-migrate / sluice CLI', `${(ms / sluiceCli).toFixed(2)}x`);
  }
} else if (process.env.BENCH_SKIP_OTHERS !== '1') {
  console.log('dbmate / node-pg-migrate could not be installed into bench/.work: comparison skipped');
}

for (const name of DATABASES) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
rmSync(dir, { recursive: true, force: true });
