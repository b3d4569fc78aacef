/** File templates for `sluice init` and `sluice new`. */

export const SQL_TEMPLATE = `-- migrate:up


-- migrate:down

`;

export const TS_TEMPLATE = `import { defineMigration } from 'sluice';

export default defineMigration({
  async up(db) {
    // await db.sql\`CREATE TABLE \${db.ident('example')} (id bigint PRIMARY KEY)\`;
  },
  async down(db) {
    // await db.sql\`DROP TABLE \${db.ident('example')}\`;
  },
});
`;

export const CONFIG_TEMPLATE = `import { defineConfig } from 'sluice';

export default defineConfig({
  // Without a database URL (here, --url, or DATABASE_URL in the environment or .env), sluice uses
  // embedded PGlite in .sluice/db.
  // database: 'postgres://user:password@localhost:5432/app',
  migrations: 'migrations',
  // Each migration runs in its own transaction with its history row.
  transaction: 'each',
  // DDL waits at most this long for a table lock (queries on the table queue behind it meanwhile),
  // then retries with backoff and jitter, for up to lockRetryBudget.
  lockTimeout: '250ms',
  lockRetryBudget: '2min',
});
`;

export const EXAMPLE_MIGRATION = `-- migrate:up
CREATE TABLE notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE notes;
`;
