// Core figures on the real server: ms per migration for 300 no-op migrations (the runner's own
// cost) and 300 CREATE TABLE migrations, and the cold wall time of `sluice status` with 300
// applied, side by side with dbmate, node-pg-migrate and knex (devDependencies) on the same
// migrations in the same run, with the ratios.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createMigrator } from '../dist/index.js';

/** The i-th migration's version: a real UTC timestamp (YYYYMMDDHHMMSS), i seconds after 2024-01-01. */
function stamp(i) {
  return new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
}

const ADMIN = process.env.SLUICE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_MIGRATIONS ?? 300);
const BIN = resolve('dist/cli/bin.js');
const DATABASES = [
  'sluice_bench_noop',
  'sluice_bench_core',
  'sluice_bench_sluice',
  'sluice_bench_dbmate',
  'sluice_bench_node_pg_migrate',
  'sluice_bench_knex',
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
      join(d, `${stamp(i)}_m${i}.sql`),
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
/** Median wall time of `runs` cold processes of `file args` (the file is run directly: its shebang). */
function coldMs(file, args, env = process.env, runs = 7) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(file, args, { encoding: 'utf8', env });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: ${r.stderr}`);
  }
  return median(times);
}
/** Whole-process wall time of one run, in ms per migration. */
function applyMs(file, args, env = process.env) {
  const t0 = performance.now();
  const r = spawnSync(file, args, { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: ${r.stderr}`);
  return (performance.now() - t0) / N;
}

// The peers are devDependencies; each applies the same N CREATE TABLE migrations into its own
// database, then reports its state cold. node-pg-migrate has no status command: its equivalent is
// `up` with nothing pending (it reads the directory and the applied rows, and compares them).
const nodeStart = coldMs(process.execPath, ['-e', '0']);
const sluiceArgs = (u) => ['--url', u, '--dir', sqlDir];
const dbmateArgs = (u) => ['--url', `${u}?sslmode=disable`, '--migrations-dir', sqlDir, '--no-dump-schema'];
const pgmDir = join(dir, 'pgm');
const knexDir = join(dir, 'knex');
mkdirSync(pgmDir);
mkdirSync(knexDir);
for (let i = 1; i <= N; i++) {
  const body = (up, down) =>
    `exports.up = (x) => x.${up}('CREATE TABLE t${i} (id int)');\nexports.down = (x) => x.${down}('DROP TABLE t${i}');\n`;
  writeFileSync(join(pgmDir, `${stamp(i)}_m${i}.js`), body('sql', 'sql'));
  writeFileSync(join(knexDir, `${stamp(i)}_m${i}.js`), body('raw', 'raw'));
}
const knexfile = (u) => {
  const path = join(dir, `knexfile-${new URL(u).pathname.slice(1)}.cjs`);
  const config = { client: 'pg', connection: u, migrations: { directory: knexDir } };
  writeFileSync(path, `module.exports = ${JSON.stringify(config)};\n`);
  return ['--knexfile', path];
};
const tools = [
  {
    name: 'sluice',
    file: process.execPath,
    up: (u) => [BIN, 'up', ...sluiceArgs(u)],
    status: (u) => [BIN, 'status', ...sluiceArgs(u)],
  },
  {
    name: 'dbmate',
    file: resolve('node_modules/.bin/dbmate'),
    up: (u) => [...dbmateArgs(u), 'up'],
    status: (u) => [...dbmateArgs(u), 'status'],
  },
  {
    name: 'node-pg-migrate',
    file: resolve('node_modules/.bin/node-pg-migrate'),
    up: () => ['up', '-m', pgmDir, '--no-check-order'],
    status: () => ['up', '-m', pgmDir, '--no-check-order'],
    env: (u) => ({ ...process.env, DATABASE_URL: u }),
    node: true,
  },
  {
    name: 'knex',
    file: resolve('node_modules/.bin/knex'),
    up: (u) => ['migrate:latest', ...knexfile(u)],
    status: (u) => ['migrate:status', ...knexfile(u)],
    // The knexfile lives in a temporary directory, where knex's CLI would not find knex itself.
    env: () => ({ ...process.env, KNEX_PATH: resolve('node_modules/knex') }),
    node: true,
  },
];
const results = [];
for (const t of tools) {
  if (t.name !== 'sluice' && (process.env.BENCH_SKIP_OTHERS === '1' || !existsSync(t.file))) continue;
  const u = await freshDb(`sluice_bench_${t.name.replaceAll('-', '_')}`);
  const env = t.env?.(u) ?? process.env;
  const up = applyMs(t.file, t.up(u), env);
  const status = coldMs(t.file, t.status(u), env);
  results.push({ ...t, upMs: up, statusMs: status });
}
const sluice = results[0];
console.log(
  `\n-- the same ${N} CREATE TABLE migrations, one cold process each; node -e 0: ${nodeStart.toFixed(0)} ms --`,
);
line(
  `sluice status, cold process, ${N} applied (median of 7)`,
  `${sluice.statusMs.toFixed(0)} ms`,
  '<= 120 ms',
);
// The issue's 120 ms was set where Node itself started in about 50 ms; a host whose Node starts in
// twice that cannot meet it as an absolute figure, so the same target is also printed against the
// anchor measured in this run.
line(
  `  sluice status / node -e 0 (${nodeStart.toFixed(0)} ms, this run)`,
  `${(sluice.statusMs / nodeStart).toFixed(2)}x`,
  '<= 2.40x (120 ms over a 50 ms Node start)',
);
line('sluice up, CLI (whole process)', `${sluice.upMs.toFixed(3)} ms/mig`);
for (const r of results.slice(1)) {
  const what = r.name === 'node-pg-migrate' ? 'up, nothing pending' : 'status';
  line(`${r.name} ${what}, cold process (median of 7)`, `${r.statusMs.toFixed(0)} ms`);
  line(
    `  sluice status / ${r.name}`,
    `${(sluice.statusMs / r.statusMs).toFixed(2)}x`,
    r.node ? '< 1 (faster than every Node peer)' : undefined,
  );
  line(`${r.name} up (whole process)`, `${r.upMs.toFixed(3)} ms/mig`);
  line(`  ${r.name} up / sluice up`, `${(r.upMs / sluice.upMs).toFixed(2)}x`, '> 1 (sluice fastest)');
}
if (results.length === 1 && process.env.BENCH_SKIP_OTHERS !== '1') {
  console.log('dbmate / node-pg-migrate / knex are not installed (npm ci installs them): comparison skipped');
}

for (const name of DATABASES) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
rmSync(dir, { recursive: true, force: true });
