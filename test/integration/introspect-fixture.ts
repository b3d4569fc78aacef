/**
 * A schema with one of every object kind the model holds, for the introspection tests: written once,
 * read on the real server and on PGlite.
 */
export const EVERY_KIND = `
CREATE SCHEMA app;
CREATE SCHEMA other;
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
COMMENT ON TYPE app.mood IS 'how it feels';
CREATE SEQUENCE app.counter AS integer START 5 INCREMENT 2 MINVALUE 1 MAXVALUE 1000 CACHE 3 CYCLE;
COMMENT ON SEQUENCE app.counter IS 'numbers';
CREATE TABLE app.orgs (id int PRIMARY KEY);
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE app.users (
  id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 CACHE 1) PRIMARY KEY,
  n serial,
  email varchar(255) NOT NULL COLLATE "C",
  mood app.mood DEFAULT 'ok',
  age int,
  doubled int GENERATED ALWAYS AS (age * 2) STORED,
  org_id int,
  period int4range,
  note text,
  CONSTRAINT users_email_key UNIQUE (email) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT users_n_key UNIQUE (n),
  CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES app.orgs (id) ON DELETE CASCADE,
  CONSTRAINT users_no_overlap EXCLUDE USING gist (period WITH &&)
) WITH (fillfactor = 70);
ALTER TABLE app.users ADD CONSTRAINT users_age_check CHECK (age > 0) NOT VALID;
CREATE UNIQUE INDEX users_lower_email ON app.users (lower(email)) WHERE note IS NULL;
CREATE INDEX users_org_inc ON app.users (org_id) INCLUDE (age);
ALTER TABLE app.users REPLICA IDENTITY USING INDEX users_n_key;
ALTER TABLE app.users ALTER COLUMN note SET STORAGE MAIN;
ALTER TABLE app.users ALTER COLUMN note SET STATISTICS 500;
ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_adults ON app.users AS RESTRICTIVE FOR UPDATE TO PUBLIC USING (age >= 18) WITH CHECK (age < 200);
CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE OF note ON app.users
  FOR EACH ROW WHEN (NEW.age IS NOT NULL) EXECUTE FUNCTION app.touch();
ALTER TABLE app.users DISABLE TRIGGER users_touch;
CREATE RULE users_keep AS ON DELETE TO app.users WHERE OLD.age > 100 DO INSTEAD NOTHING;
CREATE STATISTICS app.users_stats ON age, org_id FROM app.users;
COMMENT ON TABLE app.users IS 'people';
COMMENT ON COLUMN app.users.email IS 'login';
COMMENT ON INDEX app.users_lower_email IS 'one per address';
COMMENT ON CONSTRAINT users_age_check ON app.users IS 'no negatives';
COMMENT ON TRIGGER users_touch ON app.users IS 'touches';
COMMENT ON POLICY users_adults ON app.users IS 'grown-ups';
CREATE TABLE app.events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.admins (level int) INHERITS (app.users);
CREATE VIEW app.adults WITH (security_barrier = true) AS SELECT id, email FROM app.users WHERE age >= 18;
COMMENT ON VIEW app.adults IS 'grown-ups only';
CREATE MATERIALIZED VIEW app.org_sizes AS SELECT org_id, count(*) AS n FROM app.users GROUP BY org_id;
CREATE VIEW other.emails AS SELECT email FROM app.users;
CREATE TABLE other.memberships (user_id bigint REFERENCES app.users (id));
`;
