-- An index on an existing table is built without blocking writes, so it runs outside a
-- transaction; sluice records progress statement by statement.
-- migrate:up transaction:false
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS users_email_key;
