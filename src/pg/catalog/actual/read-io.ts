// The I/O of introspection (src/introspect/read-actual.ts decides what to read; this file reads it). Each function
// opens its own session through connect() (pgrepl's session settings; source sessions READ ONLY), reads in one
// READ ONLY transaction where it reads more than one statement, and always closes the session. Nothing here
// writes: the only statements are catalog SELECTs, `SELECT 1 … LIMIT 1` probes and set_config(…, true).
import type { LargeObjectFacts, PublicationFacts, ServerActual, SubscriptionFacts } from '../../../introspect/types.js';
import type { OidRange } from '../../../model/oid-ranges.js';
import type { SchemaModel } from '../../../model/schema.js';
import type { TargetCatalogLookup } from '../../../schema/compat.js';
import { PgreplError, asError } from '../../../util/errors.js';
import { displayName } from '../../conninfo/display.js';
import type { ConnInfo } from '../../conninfo/types.js';
import { EXPORT_SNAPSHOT_SQL, importSnapshotSql } from '../../copy/copy-sql.js';
import { withClient, type Side } from '../../session.js';
import { introspectSchema } from '../schema/introspect-schema.js';
import { readTargetCatalogLookup } from '../schema/target-lookup.js';
import { factCandidates } from './fact-candidates.js';
import { lockBudget, MAX_LOCKS_COLUMN } from '../../lock-budget.js';
import { parsePublications, parseSubscriptions, publicationsSql, readsSubscriptionOid, subscriptionsSql, type PublicationRow, type SubscriptionRow } from './replication-query.js';
import { parseServerRow, SERVER_SQL, serverParams, type ServerRow } from './server-query.js';
import { parseSizes, SIZES_SQL, type SizesRow, type SourceSizes } from './sizes-query.js';
import { LARGE_OBJECTS_SQL, parseLargeObjects, readLargeObjectRanges, type LargeObjectsRow } from './large-objects-query.js';
import { parseRole, rolesSql, type RoleRow } from '../schema/roles-query.js';
import type { ParsedTableFacts } from './table-facts-query.js';
import { readTableFacts } from './table-facts-io.js';

/** How long the row probes wait for a table another session holds locked (e.g. ACCESS EXCLUSIVE by a running TRUNCATE). */
export const TARGET_LOCK_TIMEOUT_MS = 30_000;

const LOCK_NOT_AVAILABLE = '55P03';

/** A failure while reading, naming the server and database; connect() failures already name the server. */
function readError(e: unknown, side: Side, ci: ConnInfo, database: string | null): PgreplError {
  if (e instanceof PgreplError) return e;
  const err = asError(e);
  const code = (err as { code?: unknown }).code;
  const where = `reading the ${side} server ${displayName(ci)}${database === null ? '' : `, database ${JSON.stringify(database)}`}`;
  const hints = code === LOCK_NOT_AVAILABLE ? ['a table is locked by another session (e.g. a running TRUNCATE or ALTER TABLE); try again when it is done'] : [];
  return new PgreplError(`${where}: ${err.message}${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}`, { hints, cause: err });
}

/** ServerActual of one server in one statement, read from its connection database. */
export async function readServer(ci: ConnInfo, side: Side, opts: { now?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ServerActual> {
  try {
    return await withClient(ci, { side, ...(opts.env ? { env: opts.env } : {}) }, async (client) => {
      const { rows } = await client.query<ServerRow & Record<string, unknown>>(SERVER_SQL, serverParams(side));
      const row = rows[0];
      if (row === undefined) throw new PgreplError(`the ${side} server ${displayName(ci)} did not find its current_user in pg_roles`);
      return parseServerRow(row, displayName(ci), opts.now);
    });
  } catch (e) {
    throw readError(e, side, ci, null);
  }
}

export interface SourceDatabaseRead extends SourceSizes {
  readonly model: SchemaModel;
  readonly publications: readonly PublicationFacts[];
  /** Read when asked (DatabaseReadOptions.largeObjects). */
  readonly largeObjectFacts?: LargeObjectFacts;
}

/** From the server's ServerActual (read first): the replication catalogs and what a role may read in them differ. */
export interface DatabaseReadOptions {
  readonly major: number;
  /** Whether the connected role is a superuser (12/13 targets: who may read pg_subscription.oid). */
  readonly superuser?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Source: also read the large objects' oids, roles and readability (the spec copies them). */
  readonly largeObjects?: boolean;
}

const BEGIN_READ_ONLY = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

async function inReadOnlyTransaction<T>(client: { query: (sql: string) => Promise<unknown> }, fn: () => Promise<T>): Promise<T> {
  await client.query(BEGIN_READ_ONLY);
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * From this many tables, indexes and views on, the sizes and publications are read on a second session in the same
 * snapshot (exported by the first) while the first reads the schema: at 1,000 tables the schema took ~0.4 s and the
 * sizes ~0.25 s, one after the other. Below it a second session costs more than it saves. A standby (no snapshot
 * export during recovery) reads on one session.
 */
export const PARALLEL_READ_MIN_RELATIONS = 300;

const SHAPE_SQL = `SELECT count(*)::int AS n, pg_catalog.pg_is_in_recovery() AS recovery FROM pg_catalog.pg_class
 WHERE relkind IN ('r', 'p', 'i', 'v', 'm', 'f') AND relnamespace <> 'pg_catalog'::pg_catalog.regnamespace`;

type Queryable = { query: <R extends Record<string, unknown>>(sql: string) => Promise<{ rows: R[] }> };

/** The source's large objects, with the roles they name resolved (flags and memberships) for roles: copy. */
async function readLargeObjects(client: Queryable, major: number): Promise<LargeObjectFacts> {
  const row = (await client.query<LargeObjectsRow & Record<string, unknown>>(LARGE_OBJECTS_SQL)).rows[0];
  if (row === undefined) throw new Error('the large objects query returned no row');
  const roles = (row.roles ?? []).length === 0 ? null : (await client.query<RoleRow & Record<string, unknown>>(rolesSql(major * 10_000))).rows.map(parseRole);
  return parseLargeObjects(row, roles);
}


type SizesAndPublications = SourceSizes & { readonly publications: readonly PublicationFacts[]; readonly largeObjectFacts?: LargeObjectFacts };

async function sizesAndPublications(client: Queryable, opts: DatabaseReadOptions): Promise<SizesAndPublications> {
  const { rows } = await client.query<SizesRow & Record<string, unknown>>(SIZES_SQL);
  const row = rows[0];
  if (row === undefined) throw new Error('the sizes query returned no row');
  const publications = await client.query<PublicationRow & Record<string, unknown>>(publicationsSql(opts.major));
  const sizes = parseSizes(row);
  const largeObjectFacts = opts.largeObjects === true ? await readLargeObjects(client, opts.major) : undefined;
  return { ...sizes, publications: parsePublications(publications.rows), ...(largeObjectFacts === undefined ? {} : { largeObjectFacts }) };
}

/** The first session's snapshot for a second one, when the database is large enough to gain from it. */
async function snapshotToShare(client: Queryable): Promise<string | null> {
  const shape = (await client.query<{ n: number; recovery: boolean }>(SHAPE_SQL)).rows[0];
  if (shape === undefined || shape.recovery || shape.n < PARALLEL_READ_MIN_RELATIONS) return null;
  return (await client.query<{ id: string }>(EXPORT_SNAPSHOT_SQL)).rows[0]?.id ?? null;
}

/**
 * One source database: its schema, its tables' sizes and its publications from one snapshot (BEGIN, introspectSchema's
 * statements, 1 sizes, 1 publications, COMMIT, whatever its size); from
 * PARALLEL_READ_MIN_RELATIONS on, the sizes and publications on a second session in the same snapshot.
 */
export async function readSourceDatabase(ci: ConnInfo, database: string, opts: DatabaseReadOptions): Promise<SourceDatabaseRead> {
  const session = { side: 'source' as const, database, ...(opts.env ? { env: opts.env } : {}) };
  try {
    return await withClient(ci, session, (client) =>
      inReadOnlyTransaction(client, async () => {
        const snapshot = await snapshotToShare(client);
        const beside = snapshot === null ? null : withClient(ci, session, (second) => inReadOnlyTransaction(second, async () => {
          await second.query(importSnapshotSql(snapshot));
          return sizesAndPublications(second, opts);
        }));
        // Both settle before the first session's transaction ends: the second must not outlive the snapshot's source.
        const [model, rest] = await Promise.allSettled([introspectSchema(client, { inTransaction: true }), beside ?? Promise.resolve(null)]);
        if (model.status === 'rejected') throw model.reason;
        if (rest.status === 'rejected') throw rest.reason;
        return { model: model.value, ...(rest.value ?? await sizesAndPublications(client, opts)) };
      }),
    );
  } catch (e) {
    throw readError(e, 'source', ci, database);
  }
}

export interface TargetDatabaseRead {
  readonly model: SchemaModel;
  readonly lookup: TargetCatalogLookup;
  readonly facts: ParsedTableFacts;
  readonly subscriptions: readonly SubscriptionFacts[];
  /** Oid ranges of the database's large objects. */
  readonly largeObjects: readonly OidRange[];
}

/**
 * One existing target database: its schema, the catalog lookup, its subscriptions, and facts of the tables the
 * source's tables name (see fact-candidates.ts), from one snapshot; a fixed number of statements whatever the
 * number of tables, but for the table facts' chunks (one per lock budget's worth of relations, lock-budget.ts).
 * The keys may be a promise: the transaction waits for them after reading the schema.
 */
export async function readTargetDatabase(
  ci: ConnInfo,
  database: string,
  sourceTableKeys: ReadonlySet<string> | Promise<ReadonlySet<string>>,
  opts: DatabaseReadOptions,
): Promise<TargetDatabaseRead> {
  try {
    return await withClient(ci, { side: 'target', database, ...(opts.env ? { env: opts.env } : {}) }, (client) =>
      inReadOnlyTransaction(client, async () => {
        const model = await introspectSchema(client, { inTransaction: true });
        const lookup = await readTargetCatalogLookup(client);
        const subscriptions = await client.query<SubscriptionRow & Record<string, unknown>>(subscriptionsSql(opts.major, readsSubscriptionOid(opts.major, opts.superuser ?? false)));
        // Awaited only now, so the source can be read at the same time (the keys come from its sizes).
        const candidates = factCandidates(model, await sourceTableKeys);
        let maxLocks: number | undefined;
        if (candidates.length > 0) {
          const set = await client.query<{ max_locks: number }>(`SELECT pg_catalog.set_config('lock_timeout', '${String(TARGET_LOCK_TIMEOUT_MS)}ms', true), ${MAX_LOCKS_COLUMN}`);
          maxLocks = set.rows[0]?.max_locks;
        }
        const facts = await readTableFacts(client, candidates, maxLocks === undefined ? {} : { lockBudget: lockBudget(maxLocks) });
        const largeObjects = await readLargeObjectRanges(client);
        return { model, lookup, facts, subscriptions: parseSubscriptions(subscriptions.rows), largeObjects };
      }),
    );
  } catch (e) {
    throw readError(e, 'target', ci, database);
  }
}
