// The fingerprint of the live state a saved plan records (CONTRACTS.md, Plans): what decides the plan (which objects
// exist, their definitions and options, which target tables hold rows, roles and databases on each server, the state
// serial), never what moves on a busy server without changing the plan: table sizes and row estimates, each
// server's now(), the sampled throughput, the number of large objects (only "any or none" matters to the plan), and
// the statistics/LSN/sequence-value fields stripVolatile() knows by name. Replication objects count by what they are
// (a publication's tables, filters and flags, a slot's name, database and plugin, a subscription's slot,
// publications, options, enabled flag and tables), not by how far they got: a slot's activity, retained WAL and
// confirmed LSN, a subscription's worker pid, error counts and per-table sync state move while replication runs
// (a table going from d to r must not make a saved plan stale). Of wal_status only `lost` counts: reserved,
// extended and unreserved follow the WAL volume, lost decides a re-sync. Pure.
import type { ActualState, DatabaseActual, ServerActual, SlotFacts, SubscriptionFacts, TargetDatabaseActual } from '../introspect/types.js';
import type { StateDocument } from '../state/state-document.js';
import { strippedFingerprint } from './fingerprint.js';

function slot(s: SlotFacts): unknown {
  return { name: s.name, database: s.database, plugin: s.plugin, lost: s.walStatus === 'lost' };
}

function server(s: ServerActual): unknown {
  const { now: _now, slots, ...rest } = s;
  return { ...rest, slots: slots.map(slot) };
}

function subscription(s: SubscriptionFacts): unknown {
  const { workerPid: _pid, errorCounts: _errors, tables, ...rest } = s;
  return { ...rest, tables: tables.map((t) => ({ schema: t.schema, name: t.name })) };
}

function target(t: TargetDatabaseActual | null): unknown {
  return t === null ? null : { ...t, subscriptions: t.subscriptions.map(subscription) };
}

function database(d: DatabaseActual): unknown {
  return {
    key: d.key,
    targetDatabase: d.targetDatabase,
    source: d.source === null ? null : { model: d.source.model, hasLargeObjects: d.source.largeObjects > 0, publications: d.source.publications },
    target: target(d.target),
  };
}

/** `sha256:<hex>` over the plan-relevant part of `actual` and the state serial (null without a state). */
export function actualFingerprint(actual: ActualState, state: StateDocument | null): string {
  const relevant = {
    source: server(actual.source),
    target: server(actual.target),
    databases: actual.databases.map(database),
    diagnostics: actual.diagnostics,
  };
  // stateSerial holds no volatile field name, so stripping the whole is stripping `actual` alone.
  return strippedFingerprint({ actual: relevant, stateSerial: state?.serial ?? null });
}
