// A small database with one of every kind introspection reads, for test/integration/introspect*.test.ts. Works on
// PostgreSQL 12-18 unchanged. Roles are cluster-wide: INTROSPECT_ROLE is created if missing and never dropped
// while a database still refers to it (dropRoleSql runs after the databases are gone).
export const INTROSPECT_ROLE = 'pgrepl_intro_reader';

export const ensureRoleSql = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${INTROSPECT_ROLE}') THEN
    CREATE ROLE ${INTROSPECT_ROLE} LOGIN CONNECTION LIMIT 5;
  END IF;
END $$;
ALTER ROLE ${INTROSPECT_ROLE} SET work_mem = '8MB';`;

export const FIXTURE_SQL = `
CREATE SCHEMA ext;
CREATE EXTENSION citext SCHEMA ext;
CREATE SCHEMA "Sales Data";
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'application objects';
GRANT USAGE ON SCHEMA app TO ${INTROSPECT_ROLE};
CREATE COLLATION app.nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
ALTER TYPE app.mood ADD VALUE 'meh' BEFORE 'ok';
CREATE DOMAIN app.positive AS integer NOT NULL DEFAULT 1 CONSTRAINT positive_check CHECK (VALUE > 0);
CREATE TYPE app.pair AS (a integer, b text COLLATE "C");
COMMENT ON COLUMN app.pair.b IS 'second';
CREATE TYPE app.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE FUNCTION app.next_code() RETURNS text LANGUAGE sql AS $f$ SELECT 'c' || floor(random() * 1000)::text $f$;
CREATE SEQUENCE app.counter AS integer START 10 INCREMENT 5 MINVALUE 5 MAXVALUE 1000 CACHE 3 CYCLE;
CREATE TABLE app.customers (
  id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 7) PRIMARY KEY,
  "Name" ext.citext NOT NULL,
  code text NOT NULL DEFAULT app.next_code() COLLATE "C",
  mood app.mood,
  score app.positive,
  doubled integer GENERATED ALWAYS AS (id::integer * 2) STORED,
  CONSTRAINT customers_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED
);
ALTER SEQUENCE app.counter OWNED BY app.customers.code;
COMMENT ON COLUMN app.customers."Name" IS 'display name';
COMMENT ON CONSTRAINT customers_code_key ON app.customers IS 'one code per customer';
GRANT SELECT, UPDATE ON app.customers TO ${INTROSPECT_ROLE} WITH GRANT OPTION;
GRANT INSERT ("Name") ON app.customers TO ${INTROSPECT_ROLE};
CREATE TABLE app.orders (
  id integer NOT NULL,
  customer_id bigint REFERENCES app.customers ON DELETE CASCADE DEFERRABLE,
  placed date NOT NULL,
  amount numeric(12, 2) CHECK (amount >= 0),
  PRIMARY KEY (id, placed)
) PARTITION BY RANGE (placed);
CREATE TABLE app.orders_2024 PARTITION OF app.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.orders_rest PARTITION OF app.orders DEFAULT;
CREATE INDEX orders_customer_idx ON app.orders (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX customers_lower_idx ON app.customers (lower(code));
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$;
CREATE TRIGGER orders_touch AFTER INSERT ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE UNLOGGED TABLE "Sales Data"."Order Lines" ("line no" integer, "select" text);
ALTER TABLE "Sales Data"."Order Lines" REPLICA IDENTITY FULL;
CREATE TABLE app.base (id integer);
CREATE TABLE app.child (extra text) INHERITS (app.base);
ALTER TABLE app.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON app.customers AS RESTRICTIVE FOR SELECT TO ${INTROSPECT_ROLE} USING (mood <> 'sad');
CREATE RULE no_delete AS ON DELETE TO app.base DO INSTEAD NOTHING;
CREATE VIEW app.customer_codes AS SELECT c.id, c.code FROM app.customers c WHERE c.mood IS NOT NULL;
CREATE MATERIALIZED VIEW app.order_totals AS SELECT customer_id, sum(amount) AS total FROM app.orders GROUP BY customer_id WITH NO DATA;
CREATE PROCEDURE app.noop(n integer) LANGUAGE sql AS $f$ SELECT 1 $f$;
CREATE AGGREGATE app.total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
CREATE AGGREGATE app.moving_sum(integer) (
  SFUNC = int4pl, STYPE = integer, COMBINEFUNC = int4pl, PARALLEL = SAFE,
  MSFUNC = int4pl, MINVFUNC = int4mi, MSTYPE = integer, MINITCOND = '0');
CREATE AGGREGATE app.my_percentile(double precision ORDER BY double precision) (
  SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA);
CREATE AGGREGATE app.largest(integer) (SFUNC = int4larger, STYPE = integer, SORTOP = >);
CREATE TABLE app.refunds (order_id integer, placed date, FOREIGN KEY (order_id, placed) REFERENCES app.orders);
CREATE FUNCTION app.pair_text(app.pair) RETURNS text LANGUAGE sql IMMUTABLE AS $f$ SELECT $1.b $f$;
CREATE CAST (app.pair AS text) WITH FUNCTION app.pair_text(app.pair);
CREATE FUNCTION app.same_code(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $f$ SELECT lower($1) = lower($2) $f$;
CREATE DOMAIN app.code AS text CHECK (app.same_code(VALUE, upper(VALUE)));
CREATE OPERATOR app.=~= (LEFTARG = text, RIGHTARG = text, FUNCTION = app.same_code, COMMUTATOR = OPERATOR(app.=~=));
CREATE STATISTICS app.orders_stats (dependencies) ON customer_id, amount FROM app.orders_2024;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO ${INTROSPECT_ROLE};
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
REVOKE ALL ON FUNCTION app.next_code() FROM PUBLIC;
`;

/** Run inside the new database (the name is only known then). */
export function databaseSettingsSql(database: string): string {
  const db = `"${database}"`;
  return `ALTER DATABASE ${db} SET search_path = app, public;
ALTER ROLE ${INTROSPECT_ROLE} IN DATABASE ${db} SET statement_timeout = '5s';
REVOKE CONNECT, TEMPORARY ON DATABASE ${db} FROM PUBLIC;
GRANT CONNECT ON DATABASE ${db} TO ${INTROSPECT_ROLE};
COMMENT ON DATABASE ${db} IS 'introspection fixture';`;
}
