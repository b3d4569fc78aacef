/**
 * Child process of the backfill crash test: runs one backfill and prints `batch <n>` per committed
 * batch, then `finished`, so the parent can SIGKILL it at a chosen batch. Run with jiti:
 *   node --import jiti/register test/integration/backfill-crash-worker.ts <url> <spec JSON> <options JSON>
 */
import { PgDriver } from '../../src/dialects/postgres/pg-driver.js';
import { runBackfill } from '../../src/online/backfill/index.js';

const [url, spec, options] = process.argv.slice(2) as [string, string, string];
const driver = new PgDriver(url);
const conn = await driver.connect();
await runBackfill(conn, JSON.parse(spec), {
  ...JSON.parse(options),
  onProgress: (p) => {
    if (p.state === 'batch') process.stdout.write(`batch ${p.batches}\n`);
  },
});
process.stdout.write('finished\n');
await driver.close();
