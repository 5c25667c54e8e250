// Reads both servers (read-only) into one frozen, JSON-serialisable ActualState: both servers' facts in
// parallel, then the databases the spec selects, two at a time, each source database and its target read in
// parallel from one snapshot per side. What to read is decided here; src/pg/catalog/actual/ reads it.
import { deepFreeze } from '../pg/catalog/schema/deep-freeze.js';
import { readServer, readSourceDatabase, readTargetDatabase, type SourceDatabaseRead } from '../pg/catalog/actual/read-io.js';
import type { UnreadableTable } from '../pg/catalog/actual/table-facts-query.js';
import { parseConnString } from '../pg/conninfo/parse.js';
import type { ConnInfo } from '../pg/conninfo/types.js';
import { quoteIdent, quoteQualified } from '../pg/sql/quote.js';
import type { DatabaseSpec, Spec } from '../spec/model.js';
import { selectDatabases, type DatabaseChoice } from '../spec/scope.js';
import type { Diagnostic } from '../util/errors.js';
import { jsonLookup } from './json-set.js';
import { mapLimit } from './map-limit.js';
import { nowOverride } from './now-override.js';
import { sampleThroughput } from './sample.js';
import type { ActualState, DatabaseActual, ServerActual, Throughput } from './types.js';

/** Databases read at once (each takes one source and at most one target session). */
export const DATABASE_PARALLELISM = 2;

export interface ReadActualOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Sample copy throughput on the source (a short COPY of the largest table); else sampledThroughput is null. */
  readonly sampleThroughput?: boolean;
  /**
   * `plan --destroy`: an unreachable source is no error. The target is read alone (its databases that the state
   * names: target database -> the table keys pgrepl copied rows into), and a warning says what cannot be dropped.
   */
  readonly sourceOptional?: { readonly targetTables: ReadonlyMap<string, ReadonlySet<string>> };
}

export async function readActualState(spec: Spec, opts: ReadActualOptions = {}): Promise<ActualState> {
  const env = opts.env ?? process.env;
  const now = nowOverride(env); // before any connection: a bad PGREPL_NOW is an input error, not a server one
  const ci = {
    source: parseConnString(spec.source.url, { env, defaultDatabase: 'postgres' }),
    target: parseConnString(spec.target.url, { env, defaultDatabase: 'postgres' }),
  };
  const io = { env };
  // allSettled: when one server fails, the other's session is closed before the error reaches the caller.
  const [s, t] = await Promise.allSettled([
    readServer(ci.source, 'source', { ...io, ...(now === undefined ? {} : { now }) }),
    readServer(ci.target, 'target', io),
  ]);
  if (t.status === 'rejected') throw t.reason;
  if (s.status === 'rejected') {
    if (opts.sourceOptional === undefined) throw s.reason;
    return deepFreeze(await readTargetOnly(ci.target, t.value, opts.sourceOptional.targetTables, s.reason, io));
  }
  const source = s.value;
  const target = t.value;

  const choice = selectDatabases(spec, source.databases.map((d) => d.name));
  const diagnostics: Diagnostic[] = selectionDiagnostics(spec, choice);

  const order = databaseOrder(spec, choice.databases);
  const onSource = new Set(source.databases.map((d) => d.name));
  const onTarget = new Set(target.databases.map((d) => d.name));
  const servers = { source: source.major, target: target.major, targetSuperuser: target.superuser };
  const reads = await mapLimit(order, DATABASE_PARALLELISM, (db) => readDatabase(db, ci, io, servers, onSource.has(db.key), onTarget.has(db.targetDatabase)));

  const databases: DatabaseActual[] = [];
  for (const r of reads) {
    databases.push(r.actual);
    diagnostics.push(...r.diagnostics.map((d) => unreadableDiagnostic(d, r.spec, target)));
  }

  let sampledThroughput: Throughput | null = null;
  let sampleError: string | undefined;
  if (opts.sampleThroughput === true) {
    const sampled = await sampleThroughput(ci.source, reads.flatMap((r) => (r.source === null ? [] : [{ database: r.spec.key, read: r.source }])), env);
    sampledThroughput = sampled.throughput;
    sampleError = sampled.error;
  }

  const actual: ActualState = { source, target, databases, sampledThroughput, ...(sampleError === undefined ? {} : { sampleError }), diagnostics };
  return deepFreeze(actual);
}

/** Names the source lacks are errors with close matches; databases a rule cannot add (target taken) are warnings. */
export function selectionDiagnostics(spec: Spec, choice: DatabaseChoice): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const u of choice.unmatched) {
    out.push({
      severity: 'error',
      message: `${u.source} entry ${JSON.stringify(u.name)} matches no database on the source that accepts connections${
        u.suggestions.length > 0 ? `; did you mean ${u.suggestions.join(', ')}?` : ''
      }`,
      path: u.source === 'databases' ? `databases.${u.name}` : u.source,
      ...(u.position ? { position: u.position } : {}),
      ...(u.suggestions.length > 0 ? { hints: u.suggestions.map((x) => `did you mean ${x}?`) } : {}),
    });
  }
  const rule = spec.selection?.include ? 'include_databases' : 'exclude_databases';
  for (const c of choice.conflicts) out.push({ severity: 'warning', message: c.message, path: rule });
  return out;
}

/**
 * Spec order: every listed database in file order (also one the source lacks: its entry has source null and the
 * planner reports it), then those chosen by include_databases / exclude_databases.
 */
export function databaseOrder(spec: Spec, chosen: readonly DatabaseSpec[]): DatabaseSpec[] {
  const listed = new Set(spec.databases.map((d) => d.key));
  return [...spec.databases, ...chosen.filter((d) => !listed.has(d.key))];
}

interface DatabaseRead {
  readonly spec: DatabaseSpec;
  readonly actual: DatabaseActual;
  readonly source: SourceDatabaseRead | null;
  readonly diagnostics: readonly UnreadableTable[];
}

async function readDatabase(
  db: DatabaseSpec,
  ci: { readonly source: ConnInfo; readonly target: ConnInfo },
  io: { readonly env: NodeJS.ProcessEnv },
  servers: { readonly source: number; readonly target: number; readonly targetSuperuser: boolean },
  sourceExists: boolean,
  targetExists: boolean,
): Promise<DatabaseRead> {
  // Source and target are read at the same time; the target's transaction waits for the source's table keys
  // (its facts cover the tables the source also has) after reading its own schema. allSettled: both sessions are
  // closed before a failure reaches the caller.
  const sourceRead = sourceExists ? readSourceDatabase(ci.source, db.key, { ...io, major: servers.source, largeObjects: db.largeObjects }) : Promise.resolve(null);
  const keys = sourceRead.then((s) => new Set(Object.keys(s?.sizes ?? {})));
  keys.catch(() => undefined); // the source's failure is reported from sourceRead; this copy must not go unhandled
  const targetRead = targetExists ? readTargetDatabase(ci.target, db.targetDatabase, keys, { ...io, major: servers.target, superuser: servers.targetSuperuser }) : Promise.resolve(null);
  const [sourceOutcome, targetOutcome] = await Promise.allSettled([sourceRead, targetRead]);
  if (sourceOutcome.status === 'rejected') throw sourceOutcome.reason;
  if (targetOutcome.status === 'rejected') throw targetOutcome.reason;
  const source = sourceOutcome.value;
  const target = targetOutcome.value;
  return {
    spec: db,
    source,
    actual: {
      key: db.key,
      targetDatabase: db.targetDatabase,
      source: source === null ? null : {
        model: source.model, sizes: source.sizes, largeObjects: source.largeObjects,
        ...(source.largeObjectFacts === undefined ? {} : { largeObjectFacts: source.largeObjectFacts }),
        ...(Object.keys(source.unreadable).length === 0 ? {} : { unreadable: source.unreadable }),
        publications: source.publications,
      },
      target: target === null ? null : {
        model: target.model, lookup: jsonLookup(target.lookup), tables: target.facts.tables, subscriptions: target.subscriptions,
        ...(target.largeObjects.length === 0 ? {} : { largeObjects: target.largeObjects }),
      },
    },
    diagnostics: target?.facts.unreadable ?? [],
  };
}

/** A target table pgrepl could not look into: it counts as holding rows; say what would let pgrepl look. */
export function unreadableDiagnostic(t: UnreadableTable, db: DatabaseSpec, target: ServerActual): Diagnostic {
  const role = quoteIdent(target.user);
  const table = quoteQualified(t.schema, t.name);
  const hints: string[] = [];
  if (t.reasons.includes('no-usage')) hints.push(`GRANT USAGE ON SCHEMA ${quoteIdent(t.schema)} TO ${role};`);
  if (t.reasons.includes('no-select')) hints.push(`GRANT SELECT ON TABLE ${table} TO ${role};`);
  if (t.reasons.includes('row-security')) hints.push(`row-level security hides rows from ${target.user}: ALTER ROLE ${role} BYPASSRLS; (or connect as the table's owner)`);
  const why = t.reasons.includes('no-usage') || t.reasons.includes('no-select') ? `role ${target.user} may not read it` : 'row-level security may hide its rows';
  return {
    severity: 'warning',
    message: `target table ${table} in database ${JSON.stringify(db.targetDatabase)}: ${why}, so pgrepl counts it as holding rows (emptying it needs consent)`,
    path: `databases.${db.key}`,
    ...(db.position ? { position: db.position } : {}),
    hints,
  };
}

/** The source is down (destroy): a placeholder for it, the target databases the state names, and a warning. */
async function readTargetOnly(
  ci: ConnInfo, target: ServerActual, tables: ReadonlyMap<string, ReadonlySet<string>>, why: unknown, io: { readonly env: NodeJS.ProcessEnv },
): Promise<ActualState> {
  const onTarget = new Set(target.databases.map((d) => d.name));
  const databases: DatabaseActual[] = [];
  for (const [name, keys] of tables) {
    if (!onTarget.has(name)) continue;
    const read = await readTargetDatabase(ci, name, keys, { ...io, major: target.major, superuser: target.superuser });
    databases.push({ key: name, targetDatabase: name, source: null, target: {
      model: read.model, lookup: jsonLookup(read.lookup), tables: read.facts.tables, subscriptions: read.subscriptions,
      ...(read.largeObjects.length === 0 ? {} : { largeObjects: read.largeObjects }),
    } });
  }
  const message = why instanceof Error ? why.message : String(why);
  const source: ServerActual = {
    display: '(unreachable source)', versionNum: 0, major: 0, user: '', superuser: false, createdb: false, createrole: false, roles: [], memberOf: [],
    databases: [], libcLocales: [], now: target.now, slots: [], walLevel: 'unknown',
  };
  return {
    source, target, databases, sampledThroughput: null,
    diagnostics: [{ severity: 'warning', message: `the source cannot be reached (${message}): its slots and publications stay in the state as pending-delete, and the next destroy drops them` }],
  };
}
