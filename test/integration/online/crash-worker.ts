/**
 * Child process of the crash test: runs one phase of one migration and prints every event as a
 * JSON line, so the parent can SIGKILL it at a chosen point. Run with jiti:
 *   node --import jiti/register test/integration/online/crash-worker.ts <url> <start|complete|abort> <columns|replace>
 */
import { PgDriver } from '../../../src/dialects/postgres/pg-driver.js';
import { defineMigration } from '../../../src/migrations/types.js';
import { abortOnline, completeOnline, type OpBuilder, startOnline } from '../../../src/online/index.js';

export const MIGRATIONS = {
  columns: (op: OpBuilder) => [
    op.renameColumn('users', 'email', 'email_address'),
    op.alterColumn('users', 'age', { type: 'bigint', up: 'age::bigint * 10', down: '(age / 10)::int' }),
    op.addColumn('users', 'full_name', { type: 'text', up: "first_name || ' ' || last_name" }),
    op.alterColumn('users', 'phone', { nullable: false, up: "coalesce(phone, 'none')" }),
    op.addIndex('users', ['full_name'], { name: 'users_full_name_idx' }),
  ],
  replace: (op: OpBuilder) => [
    op.replaceTable('users', {
      columns: [
        { name: 'id', type: 'bigint', nullable: false },
        { name: 'email', type: 'text' },
        { name: 'age', type: 'bigint' },
        { name: 'full_name', type: 'text' },
        { name: 'phone', type: 'text' },
      ],
      primaryKey: ['id'],
      copy: { full_name: "first_name || ' ' || last_name" },
      reverse: { first_name: "split_part(full_name, ' ', 1)", last_name: "split_part(full_name, ' ', 2)" },
    }),
  ],
};

async function main(): Promise<void> {
  const [url, phase, kind] = process.argv.slice(2) as [
    string,
    'start' | 'complete' | 'abort',
    keyof typeof MIGRATIONS,
  ];
  const driver = new PgDriver(url);
  const conn = await driver.connect();
  const ctx = {
    conn,
    version: '20240505000000',
    name: `crash_${kind}`,
    definition: defineMigration({ online: true, operations: MIGRATIONS[kind] }),
    lockTimeoutMs: 200,
    lockRetries: 50,
    // Small batches: many checkpoints to crash between.
    backfillOptions: { initialBatchSize: 500, maxBatchSize: 1000 },
    onEvent: (e: { type: string; message: string }) =>
      process.stdout.write(`${JSON.stringify({ type: e.type, message: e.message })}\n`),
  };
  if (phase === 'start') await startOnline(ctx);
  else if (phase === 'complete') await completeOnline(ctx);
  else await abortOnline(ctx);
  process.stdout.write(`${JSON.stringify({ type: 'exit' })}\n`);
  await driver.close();
}

if (process.argv[1]?.endsWith('crash-worker.ts')) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
