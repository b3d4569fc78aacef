/**
 * A schema with one of each kind that schema as code adds (schemas, extensions, domains, composite
 * types, routines, grants), plus the texts that name other objects (defaults, view bodies, routine
 * signatures), for the introspection tests: read on the real server and on PGlite. The schema
 * `kinds` and the `citext` extension in it come first ({@link KINDS_SETUP}): on PGlite the extension
 * must be loaded by the process that creates it.
 */
export const KINDS_SETUP = `
CREATE SCHEMA kinds;
CREATE EXTENSION citext SCHEMA kinds;
`;

/** Everything else; unqualified names resolve through `kinds` when the path has it, else qualified. */
export const KINDS = `
COMMENT ON SCHEMA kinds IS 'every kind';
CREATE TYPE kinds.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN kinds.positive AS numeric(10,2) DEFAULT 1 NOT NULL CONSTRAINT positive_check CHECK (VALUE > 0);
ALTER DOMAIN kinds.positive ADD CONSTRAINT positive_small CHECK (VALUE < 1000) NOT VALID;
COMMENT ON DOMAIN kinds.positive IS 'above zero';
CREATE TYPE kinds.address AS (street text, city varchar(40) COLLATE "C", mood kinds.mood);
COMMENT ON TYPE kinds.address IS 'where';
CREATE TABLE kinds.items (
  id int PRIMARY KEY,
  price kinds.positive,
  mood kinds.mood DEFAULT 'ok',
  place kinds.address,
  email kinds.citext,
  tags text[] NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX items_first_tag ON kinds.items ((tags[1]) text_pattern_ops) NULLS NOT DISTINCT;
CREATE FUNCTION kinds.double(x integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN x * 2;
COMMENT ON FUNCTION kinds.double(integer) IS 'twice';
CREATE FUNCTION kinds.double(x kinds.positive) RETURNS numeric LANGUAGE plpgsql AS $$ BEGIN RETURN x * 2; END $$;
CREATE DOMAIN kinds.code AS text COLLATE "C" DEFAULT kinds.double(1)::text;
CREATE PROCEDURE kinds.reset(m kinds.mood DEFAULT 'ok') LANGUAGE sql BEGIN ATOMIC UPDATE kinds.items SET mood = m; END;
CREATE FUNCTION kinds.add_up(acc integer, x integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT RETURN acc + x;
CREATE AGGREGATE kinds.total(integer) (SFUNC = kinds.add_up, STYPE = integer, INITCOND = '0', PARALLEL = SAFE);
COMMENT ON AGGREGATE kinds.total(integer) IS 'sum';
CREATE VIEW kinds.cheap AS SELECT id, mood FROM kinds.items WHERE price < 10;
COMMENT ON COLUMN kinds.cheap.mood IS 'feeling';
CREATE MATERIALIZED VIEW kinds.moods AS SELECT mood, count(*) AS n FROM kinds.items GROUP BY mood;
CREATE UNIQUE INDEX moods_mood ON kinds.moods (mood);
GRANT USAGE ON SCHEMA kinds TO PUBLIC;
GRANT SELECT ON kinds.items TO PUBLIC;
GRANT UPDATE (mood) ON kinds.items TO PUBLIC;
REVOKE EXECUTE ON FUNCTION kinds.double(integer) FROM PUBLIC;
REVOKE USAGE ON TYPE kinds.mood FROM PUBLIC;
`;
