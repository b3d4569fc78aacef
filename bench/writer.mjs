// The application of the writer-latency figure (bench/backfill.mjs), in its own process as a real
// application is: measured in the bench's process, its latencies also counted the pauses the
// backfill engine's own JavaScript (and its garbage collection) caused on the shared event loop.
//
//   node bench/writer.mjs <url> <table> <rows> <rate>
// Connects, prints "ready" on a line, updates random rows of <table> at <rate> per second until its
// standard input closes, then prints {"latencies": [ms, ...], "rate": n} on standard output.
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const [url, table, rows, rate] = [
  process.argv[2],
  process.argv[3],
  Number(process.argv[4]),
  Number(process.argv[5]),
];
let stop = false;
process.stdin.on('end', () => {
  stop = true;
});
process.stdin.resume();

const c = new pg.Client({ connectionString: url });
await c.connect();
process.stdout.write('ready\n');
const latencies = [];
const interval = 1000 / rate;
const started = performance.now();
for (let i = 0; !stop; i++) {
  const wait = started + i * interval - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const id = 1 + Math.floor(Math.random() * rows);
  const t = performance.now();
  await c.query(`UPDATE "${table}" SET payload = md5(random()::text) WHERE id = $1`, [id]);
  latencies.push(performance.now() - t);
}
const seconds = (performance.now() - started) / 1000;
await c.end();
process.stdout.write(JSON.stringify({ latencies, rate: latencies.length / seconds }));
