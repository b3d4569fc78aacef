// `npm run bench`: every benchmark in turn, each printing its figures beside its targets.
// Needs the real PostgreSQL server (127.0.0.1:5432). Never part of `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  'core.mjs',
  'lint.mjs',
  'backfill.mjs',
  'trigger.mjs',
  'online.mjs',
  'online-apps.mjs',
  'polite-wait.mjs',
];
let failed = 0;
for (const b of benches) {
  const path = new URL(b, import.meta.url).pathname;
  if (!existsSync(path)) continue;
  const r = spawnSync(process.execPath, [path], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench ${b} failed (exit ${r.status})`);
    failed++;
  }
}
process.exitCode = failed > 0 ? 1 : 0;
