// A source database that punishes a copy which trusts session defaults. Contents: test/harness/README.md.
import type { Cluster } from './cluster.js';
import { READER_ROLE, type RoleCredentials, SOURCE_ROLE } from './credentials.js';
import { ident, literal } from './sql.js';

/** `ALTER DATABASE … SET` on every hostile database: each changes how COPY text and query results look. */
export const HOSTILE_DATABASE_SETTINGS: Readonly<Record<string, string>> = {
  DateStyle: 'SQL, DMY',
  extra_float_digits: '0',
  IntervalStyle: 'sql_standard',
  TimeZone: 'Asia/Kathmandu',
  bytea_output: 'escape',
};

export interface HostileDatabase {
  readonly database: string;
  /** The source role: owns the database and every object in it. */
  readonly owner: RoleCredentials;
  /** A role with SELECT on the tables (not on the sequence) that owns nothing. */
  readonly nonOwner: RoleCredentials;
  /** ENABLE + FORCE ROW LEVEL SECURITY: the non-owner sees `rlsRows.visibleToNonOwner` of `rlsRows.total` rows. */
  readonly rlsTable: string;
  readonly rlsRows: { readonly total: number; readonly visibleToNonOwner: number };
  /** Every table, schema-qualified, in creation order. */
  readonly tables: readonly string[];
  /** Owned by the source role, last_value 1042; the non-owner has no privilege on it (reads NULL). */
  readonly sequence: string;
  readonly settings: Readonly<Record<string, string>>;
}

const TEMPLATE_NAME = 'hostile';
const RLS_TABLE = 'public.hostile_rls';
const TABLES = ['public.hostile_temporal', 'public.hostile_numbers', 'public.hostile_bytes', RLS_TABLE] as const;

/** The fixture, written with ISO input styles so the values are exactly these whatever the database says. */
function fixtureSql(): string {
  const owner = ident(SOURCE_ROLE.user);
  const reader = ident(READER_ROLE.user);
  return `
SET datestyle = 'ISO, YMD'; SET intervalstyle = 'postgres'; SET timezone = 'UTC'; SET extra_float_digits = 3;
SET ROLE ${owner};

-- Day <= 12 swaps silently under DMY/MDY confusion; 25/12 fails loudly; BC, infinities, 24:00, odd offsets.
CREATE TABLE public.hostile_temporal (
  id integer PRIMARY KEY, d date, ts timestamp, tstz timestamptz, t time, ttz timetz, iv interval
);
INSERT INTO public.hostile_temporal VALUES
  (1, '2024-03-04', '2024-03-04 05:06:07.123456', '2024-03-04 05:06:07.123456+00', '13:14:15.5', '13:14:15+05:45',
      '1 year 2 mons 3 days 04:05:06.789'),
  (2, '2024-12-25', '1999-12-31 23:59:59.999999', '2021-06-01 00:00:00+00', '00:00:00', '23:59:59-03:30',
      '-1 days +02:03:04'),
  (3, '0044-03-15 BC', 'infinity', '-infinity', '24:00:00', '00:00:00+00', '-1 years -2 mons +3 days -04:05:06'),
  (4, '2000-02-29', '2000-02-29 12:00:00', '1970-01-01 00:00:00.000001+00', '12:34:56.789012', '12:00:00+14', '0'),
  (5, NULL, NULL, NULL, NULL, NULL, NULL);

-- extra_float_digits = 0 rounds float8 to 15 and float4 to 6 significant digits.
CREATE TABLE public.hostile_numbers (id integer PRIMARY KEY, f8 double precision, f4 real, n numeric);
INSERT INTO public.hostile_numbers VALUES
  (1, 0.1::float8 + 0.2::float8, 0.1, 0.1),
  (2, 1::float8 / 3, 1::float4 / 3, 1::numeric / 3),
  (3, 1e-300, 1.17549435e-38, 1e-20),
  (4, 'NaN', 'Infinity', 'NaN'),
  (5, '-0', '-Infinity', 123456789012345678901234567890.123456789),
  (6, 1.7976931348623157e308, 16777217, -0.000001),
  (7, 123456789.123456789, 3.4028235e38, 0),
  (8, NULL, NULL, NULL);

-- bytea_output = escape; NUL, 0xff, backslash and quote bytes; empty vs NULL; text that looks like COPY's \\N.
CREATE TABLE public.hostile_bytes (id integer PRIMARY KEY, b bytea, txt text);
INSERT INTO public.hostile_bytes VALUES
  (1, '\\x00ff5c27'::bytea, E'line1\\nline2\\ttab\\\\back'),
  (2, '\\x'::bytea, ''),
  (3, NULL, NULL),
  (4, convert_to('Grüße ☃ 𝄞', 'UTF8'), 'Grüße ☃ 𝄞 "quoted" ''single'' \\N');

-- RLS on and forced (the owner is subject too, through its own permissive policy, so row_security = off errors
-- even for the owner). The reader gets the permissive policy AND a restrictive one: it sees unclassified rows only.
CREATE TABLE public.hostile_rls (
  id integer PRIMARY KEY, tenant text NOT NULL, classified boolean NOT NULL DEFAULT false, note text
);
INSERT INTO public.hostile_rls VALUES
  (1, 'acme', false, 'public 1'), (2, 'acme', true, 'secret 2'), (3, 'globex', false, 'public 3'),
  (4, 'globex', true, 'secret 4'), (5, 'initech', false, 'public 5');
ALTER TABLE public.hostile_rls ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.hostile_rls FORCE ROW LEVEL SECURITY;
CREATE POLICY hostile_owner_all ON public.hostile_rls TO ${owner} USING (true) WITH CHECK (true);
CREATE POLICY hostile_reader_all ON public.hostile_rls FOR SELECT TO ${reader} USING (true);
CREATE POLICY hostile_reader_unclassified ON public.hostile_rls AS RESTRICTIVE FOR SELECT TO ${reader} USING (NOT classified);

CREATE SEQUENCE public.hostile_seq START 1000;
SELECT setval('public.hostile_seq', 1042);

GRANT USAGE ON SCHEMA public TO ${reader};
GRANT SELECT ON ${TABLES.join(', ')} TO ${reader};
RESET ROLE;
`;
}

/** The reader role is cluster-wide: create it once (tolerating a concurrent creator). */
async function ensureReaderRole(cluster: Cluster): Promise<void> {
  const exists = await cluster.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [READER_ROLE.user]);
  if (exists.length > 0) return;
  try {
    await cluster.query(`CREATE ROLE ${ident(READER_ROLE.user)} LOGIN PASSWORD ${literal(READER_ROLE.password)}`);
  } catch (error: unknown) {
    if ((error as { code?: string }).code !== '42710') throw error; // duplicate_object: someone else made it
  }
}

/**
 * A new scratch database (owned by the source role) copied from a per-cluster hostile template, with
 * HOSTILE_DATABASE_SETTINGS set on it (database settings are not copied by CREATE DATABASE … TEMPLATE, so they
 * are set on every copy). Drop it with cluster.dropDatabase().
 */
export async function createHostileDatabase(cluster: Cluster, prefix = 'hostile'): Promise<HostileDatabase> {
  await ensureReaderRole(cluster);
  const template = await cluster.ensureTemplate(TEMPLATE_NAME, fixtureSql(), { owner: SOURCE_ROLE.user });
  const database = await cluster.createDatabase(prefix, { template, owner: SOURCE_ROLE.user });
  const db = ident(database);
  await cluster.query(Object.entries(HOSTILE_DATABASE_SETTINGS)
    .map(([name, value]) => `ALTER DATABASE ${db} SET ${name} = ${literal(value)}`).join(';\n'));
  return {
    database,
    owner: SOURCE_ROLE,
    nonOwner: READER_ROLE,
    rlsTable: RLS_TABLE,
    rlsRows: { total: 5, visibleToNonOwner: 3 },
    tables: TABLES,
    sequence: 'public.hostile_seq',
    settings: HOSTILE_DATABASE_SETTINGS,
  };
}
