// Reads one database's schema into a frozen SchemaModel with a fixed number of statements (22 catalog reads plus
// BEGIN, one set_config and COMMIT: 25, whatever the number of tables), all in one READ ONLY REPEATABLE READ
// transaction so they see one snapshot, with fixed settings (INTROSPECTION_SETTINGS): `search_path = pg_catalog`
// so the server's deparsers qualify every user name, ISO dates in UTC so constants print the same whatever the
// session or the database says.
import type { ClientBase } from 'pg';
import type { SchemaModel } from '../../../model/schema.js';
import { PgreplError } from '../../../util/errors.js';
import { assembleModel, type CatalogRows } from './assemble.js';
import { CASTS_SQL } from './casts-query.js';
import { collationsSql } from './collations-query.js';
import { columnsSql } from './columns-query.js';
import { CONSTRAINTS_SQL } from './constraints-query.js';
import { databaseSql } from './database-query.js';
import { DEFAULT_PRIVILEGES_SQL } from './default-privileges-query.js';
import { DEPENDS_SQL } from './depends-query.js';
import { EXTENSIONS_SQL } from './extensions-query.js';
import { FUNCTIONS_SQL } from './functions-query.js';
import { INDEXES_SQL } from './indexes-query.js';
import { OPERATOR_FAMILIES_SQL } from './operator-families-query.js';
import { OPERATORS_SQL } from './operators-query.js';
import { POLICIES_SQL } from './policies-query.js';
import { RELATIONS_SQL } from './relations-query.js';
import { rolesSql } from './roles-query.js';
import { RULES_SQL } from './rules-query.js';
import { SCHEMAS_SQL } from './schemas-query.js';
import { SEQUENCES_SQL } from './sequences-query.js';
import { statisticsSql } from './statistics-query.js';
import { triggersSql } from './triggers-query.js';
import { typesSql } from './types-query.js';

/** The oldest major whose catalogs the queries know. */
export const MIN_SERVER_VERSION_NUM = 120000;

export interface IntrospectOptions {
  /**
   * The client already runs a transaction (e.g. one holding an exported snapshot): use it as it is instead of
   * opening a READ ONLY REPEATABLE READ one. INTROSPECTION_SETTINGS hold for the reads and are put back after.
   */
  readonly inTransaction?: boolean;
}

async function rowsOf<R>(client: ClientBase, sql: string): Promise<R[]> {
  const result = await client.query<R & Record<string, unknown>>(sql);
  return result.rows;
}

async function readRows(client: ClientBase): Promise<CatalogRows> {
  const versionNum = Number((await rowsOf<{ v: string }>(client, `SELECT current_setting('server_version_num') AS v`))[0]?.v);
  if (!(versionNum >= MIN_SERVER_VERSION_NUM)) {
    throw new PgreplError(`reading the schema needs PostgreSQL 12 or later; this server is ${String(versionNum)} (server_version_num)`);
  }
  const [database] = await rowsOf<CatalogRows['database']>(client, databaseSql(versionNum));
  if (database === undefined) throw new Error('current_database() is not in pg_database');
  // One query at a time on purpose: a client runs them one after another anyway, and the order keeps logs readable.
  return {
    database,
    schemas: await rowsOf(client, SCHEMAS_SQL),
    extensions: await rowsOf(client, EXTENSIONS_SQL),
    collations: await rowsOf(client, collationsSql(versionNum)),
    types: await rowsOf(client, typesSql(versionNum)),
    sequences: await rowsOf(client, SEQUENCES_SQL),
    relations: await rowsOf(client, RELATIONS_SQL),
    columns: await rowsOf(client, columnsSql(versionNum)),
    constraints: await rowsOf(client, CONSTRAINTS_SQL),
    indexes: await rowsOf(client, INDEXES_SQL),
    triggers: await rowsOf(client, triggersSql(versionNum)),
    policies: await rowsOf(client, POLICIES_SQL),
    rules: await rowsOf(client, RULES_SQL),
    functions: await rowsOf(client, FUNCTIONS_SQL),
    casts: await rowsOf(client, CASTS_SQL),
    operators: await rowsOf(client, OPERATORS_SQL),
    operatorFamilies: await rowsOf(client, OPERATOR_FAMILIES_SQL),
    statistics: await rowsOf(client, statisticsSql(versionNum)),
    defaultPrivileges: await rowsOf(client, DEFAULT_PRIVILEGES_SQL),
    depends: await rowsOf(client, DEPENDS_SQL),
    roles: await rowsOf(client, rolesSql(versionNum)),
  };
}

/**
 * Settings the deparsers read while printing: search_path decides which names they qualify; DateStyle,
 * IntervalStyle, TimeZone and extra_float_digits decide how constants in defaults, partition bounds and view
 * definitions print (a database-level `TimeZone` turned `'2024-01-01'` bounds into `'2024-01-01 01:00:00+01'`).
 * Fixed here, not left to the caller's session, so one schema always reads as one model.
 */
export const INTROSPECTION_SETTINGS: Readonly<Record<string, string>> = {
  search_path: 'pg_catalog',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  TimeZone: 'UTC',
  extra_float_digits: '3',
};

const SETTING_NAMES = Object.keys(INTROSPECTION_SETTINGS);

/** One statement that sets every setting for the current transaction only (set_config(…, true) = SET LOCAL). */
async function setLocal(client: ClientBase, values: readonly string[]): Promise<void> {
  const calls = SETTING_NAMES.map((name, i) => `set_config('${name}', $${String(i + 1)}, true)`);
  await client.query(`SELECT ${calls.join(', ')}`, [...values]);
}

export async function introspectSchema(client: ClientBase, opts: IntrospectOptions = {}): Promise<SchemaModel> {
  const wanted = SETTING_NAMES.map((name) => INTROSPECTION_SETTINGS[name] ?? '');
  if (opts.inTransaction === true) {
    // The caller's transaction goes on after this: give its settings back.
    const current = SETTING_NAMES.map((name, i) => `current_setting('${name}') AS s${String(i)}`);
    const [saved] = await rowsOf<Record<string, string>>(client, `SELECT ${current.join(', ')}`);
    await setLocal(client, wanted);
    const rows = await readRows(client);
    await setLocal(client, SETTING_NAMES.map((_, i) => saved?.[`s${String(i)}`] ?? ''));
    return assembleModel(rows);
  }
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await setLocal(client, wanted);
    const rows = await readRows(client);
    await client.query('COMMIT');
    return assembleModel(rows);
  } catch (e: unknown) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
